package io.jshim.framework.toy;

import io.jshim.framework.ShimManager;
import io.jshim.framework.ShimOptions;
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

    /** The toy shim binary. */
    public static void main(String[] args) {
        io.jshim.framework.Shim.run(new ToyManager(), args);
    }
}
