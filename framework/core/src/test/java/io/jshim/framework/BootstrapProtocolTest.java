package io.jshim.framework;

import static org.assertj.core.api.Assertions.assertThat;

import com.google.protobuf.Any;
import com.google.protobuf.StringValue;
import io.jshim.api.runtime.bootstrap.v1.BootstrapParams;
import io.jshim.api.runtime.bootstrap.v1.BootstrapResult;
import io.jshim.api.runtime.bootstrap.v1.Extension;
import io.jshim.api.runtime.bootstrap.v1.LogLevel;
import io.jshim.framework.toy.EchoPlugin;
import io.jshim.ttrpc.TtrpcClient;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/** containerd 2.3's protobuf start protocol and the fallback to the legacy flags and output. */
@Timeout(120)
class BootstrapProtocolTest {
    @TempDir
    Path dir;

    private static final ShimOptions LEGACY = new ShimOptions("ns", "t1", Path.of("/b"), false, "", "", "", "", "");

    private static BootstrapParams params(String id, String namespace) {
        return BootstrapParams.newBuilder().setInstanceId(id).setNamespace(namespace)
                .setLogLevel(LogLevel.LOG_LEVEL_DEBUG)
                .setContainerdGrpcAddress("unix:///run/containerd/containerd.sock")
                .setContainerdTtrpcAddress("unix:///run/containerd/containerd.sock.ttrpc")
                .setContainerdBinary("/usr/bin/containerd")
                .addExtensions(Extension.newBuilder().setValue(Any.pack(StringValue.of("runc options"))))
                .build();
    }

    @Test
    void paramsCountOnlyWhenTheyNameThisTask() {
        assertThat(BootstrapProtocol.parse(params("t1", "ns").toByteArray(), "t1", "ns")).contains(params("t1", "ns"));
        assertThat(BootstrapProtocol.parse(params("t2", "ns").toByteArray(), "t1", "ns")).isEmpty();
        assertThat(BootstrapProtocol.parse(params("t1", "other").toByteArray(), "t1", "ns")).isEmpty();
        assertThat(BootstrapProtocol.parse(new byte[0], "t1", "ns")).isEmpty();
        assertThat(BootstrapProtocol.parse(new byte[] {(byte) 0xff, 0x01}, "t1", "ns")).isEmpty();
        // containerd < 2.3 writes the runtime options Any, which parses as BootstrapParams with other values
        byte[] legacyOptions = Any.pack(StringValue.of("x")).toByteArray();
        assertThat(BootstrapProtocol.parse(legacyOptions, "t1", "ns")).isEmpty();
    }

    @Test
    void paramsFillWhatFlagsAndEnvironmentLeftEmpty() {
        ShimOptions applied = BootstrapProtocol.apply(params("t1", "ns"), LEGACY);
        assertThat(applied.address()).isEqualTo("/run/containerd/containerd.sock");
        assertThat(applied.ttrpcAddress()).isEqualTo("/run/containerd/containerd.sock.ttrpc");
        assertThat(applied.publishBinary()).isEqualTo("/usr/bin/containerd");
        assertThat(applied.debug()).isTrue();

        ShimOptions flags = new ShimOptions("ns", "t1", Path.of("/b"), false, "/a.sock", "/bin/ctrd", "/t.sock", "", "");
        ShimOptions kept = BootstrapProtocol.apply(params("t1", "ns").toBuilder().setLogLevel(LogLevel.LOG_LEVEL_WARN).build(), flags);
        assertThat(kept).isEqualTo(flags);

        assertThat(BootstrapProtocol.daemonEnv(applied, Map.of("PATH", "/bin")))
                .containsEntry("TTRPC_ADDRESS", "/run/containerd/containerd.sock.ttrpc").containsEntry("PATH", "/bin");
        assertThat(BootstrapProtocol.runtimeOptions(params("t1", "ns"))).isEqualTo(Any.pack(StringValue.of("runc options")).toByteArray());
        assertThat(BootstrapProtocol.runtimeOptions(BootstrapParams.getDefaultInstance())).isEmpty();
    }

    @Test
    void startAnswersBootstrapResultProtobufWhenStdinCarriesBootstrapParams() throws Exception {
        String address = dir.resolve("containerd-" + UUID.randomUUID() + ".sock").toString();
        Path bundle = Files.createDirectories(dir.resolve("bundle"));
        Path config = Files.writeString(dir.resolve("jshim.conf"), "jshim.start-timeout = 30s\njshim.address-version = 3\n");
        byte[] input = params("task9", "ns9").toBuilder().clearContainerdTtrpcAddress().build().toByteArray();

        ToyShimRunner.Result started = ToyShimRunner.run(bundle, Map.of("JSHIM_CONFIG", config.toString()), input,
                "-namespace", "ns9", "-address", address, "-id", "task9", "start");

        assertThat(started.code()).as(started.stderr()).isZero();
        Path socket = SocketAddress.path(address, "ns9", "task9");
        BootstrapResult result = BootstrapResult.parseFrom(started.stdout());
        assertThat(result.getAddress()).isEqualTo("unix://" + socket);
        assertThat(result.getVersion()).isEqualTo(3);
        assertThat(result.getProtocol()).isEqualTo("ttrpc");
        try (TtrpcClient client = TtrpcClient.connect(socket)) {
            assertThat(client.call(EchoPlugin.ECHO, StringValue.of("v3")).getValue()).isEqualTo("echo: v3");
        }
        long pid = Long.parseLong(Files.readString(bundle.resolve("io.containerd.ttrpc.v1.echo/pid")).trim());
        ProcessHandle daemon = ProcessHandle.of(pid).orElseThrow();
        daemon.destroy();
        assertThat(daemon.onExit().get(20, TimeUnit.SECONDS).isAlive()).isFalse();
        assertThat(socket).doesNotExist();

        // the same command with the legacy runtime options on stdin prints the plain address
        Path legacyBundle = Files.createDirectories(dir.resolve("legacy"));
        ToyShimRunner.Result legacy = ToyShimRunner.run(legacyBundle, Map.of("JSHIM_CONFIG", config.toString()),
                Any.pack(StringValue.of("options")).toByteArray(), "-namespace", "ns9", "-address", address, "-id", "task8", "start");
        assertThat(legacy.code()).as(legacy.stderr()).isZero();
        Path legacySocket = SocketAddress.path(address, "ns9", "task8");
        assertThat(legacy.out()).isEqualTo("unix://" + legacySocket);
        long legacyPid = Long.parseLong(Files.readString(legacyBundle.resolve("io.containerd.ttrpc.v1.echo/pid")).trim());
        ProcessHandle legacyDaemon = ProcessHandle.of(legacyPid).orElseThrow();
        legacyDaemon.destroy();
        assertThat(legacyDaemon.onExit().get(20, TimeUnit.SECONDS).isAlive()).isFalse();
    }
}
