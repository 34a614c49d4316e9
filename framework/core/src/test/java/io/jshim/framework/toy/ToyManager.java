package io.jshim.framework.toy;

import com.google.protobuf.Any;
import io.jshim.api.types.RuntimeInfo;
import io.jshim.api.types.RuntimeVersion;
import io.jshim.framework.ShimManager;
import io.jshim.framework.ShimOptions;
import java.io.InputStream;
import java.time.Instant;

/** The manager of the test shim. */
public final class ToyManager implements ShimManager {
    @Override
    public String name() {
        return "io.containerd.toy.v2";
    }

    @Override
    public String version() {
        return "9.9.9";
    }

    @Override
    public String revision() {
        return "toyrev";
    }

    @Override
    public String groupId(ShimOptions options) {
        String group = System.getenv("TOY_GROUP");
        return group == null ? options.id() : group;
    }

    @Override
    public StopStatus delete(ShimOptions options) {
        return new StopStatus(42, 137, Instant.ofEpochSecond(1_700_000_000L, 5));
    }

    /** Reads the runtime options ({@code google.protobuf.Any}, as containerd writes them) and echoes them. */
    @Override
    public RuntimeInfo info(InputStream options) throws Exception {
        RuntimeInfo.Builder info = RuntimeInfo.newBuilder().setName(name())
                .setVersion(RuntimeVersion.newBuilder().setVersion(version()).setRevision(revision()))
                .putAnnotations("io.jshim.toy", "true");
        byte[] bytes = options.readAllBytes();
        if (bytes.length > 0) {
            info.setOptions(Any.parseFrom(bytes));
        }
        return info.build();
    }

    /** The toy shim binary. */
    public static void main(String[] args) {
        io.jshim.framework.Shim.run(new ToyManager(), args);
    }
}
