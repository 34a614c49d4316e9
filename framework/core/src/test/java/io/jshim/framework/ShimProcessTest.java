package io.jshim.framework;

import static org.assertj.core.api.Assertions.assertThat;

import com.google.protobuf.StringValue;
import io.jshim.api.task.v2.DeleteResponse;
import io.jshim.framework.toy.EchoPlugin;
import io.jshim.ttrpc.TtrpcClient;
import java.net.UnixDomainSocketAddress;
import java.nio.channels.ServerSocketChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/** The toy shim as containerd runs it: start (spawning the daemon), serve, group, SIGTERM, delete. */
@Timeout(120)
class ShimProcessTest {
    @TempDir
    Path dir;

    record Result(int code, String out, String err, byte[] raw) { }

    private Result shim(Path cwd, Map<String, String> env, String... args) throws Exception {
        List<String> command = new ArrayList<>(List.of(ProcessHandle.current().info().command().orElseThrow(),
                "--enable-native-access=ALL-UNNAMED", "-XX:TieredStopAtLevel=1", "-XX:+UseSerialGC",
                "-cp", System.getProperty("java.class.path"), "io.jshim.framework.toy.ToyManager"));
        command.addAll(List.of(args));
        ProcessBuilder builder = new ProcessBuilder(command).directory(cwd.toFile());
        builder.environment().remove("MAX_SHIM_VERSION");
        builder.environment().remove("TTRPC_ADDRESS");
        builder.environment().put("JSHIM_CONFIG", config().toString());
        builder.environment().putAll(env);
        Process process = builder.start();
        process.getOutputStream().close();
        var stdout = Thread.ofVirtual().start(() -> { });
        byte[][] out = new byte[1][];
        stdout = Thread.ofVirtual().start(() -> {
            try {
                out[0] = process.getInputStream().readAllBytes();
            } catch (Exception e) {
                out[0] = new byte[0];
            }
        });
        String err = new String(process.getErrorStream().readAllBytes(), StandardCharsets.UTF_8);
        assertThat(process.waitFor(60, TimeUnit.SECONDS)).as("shim exits").isTrue();
        stdout.join();
        return new Result(process.exitValue(), new String(out[0], StandardCharsets.UTF_8), err, out[0]);
    }

    private Path config() throws Exception {
        Path file = dir.resolve("jshim.conf");
        if (!Files.exists(file)) {
            Files.writeString(file, "jshim.start-timeout = 30s\n");
        }
        return file;
    }

    private Path bundle(String name) throws Exception {
        return Files.createDirectories(dir.resolve(name));
    }

    @Test
    void startServesGroupsAndStopsOnSigterm() throws Exception {
        String address = dir.resolve("containerd-" + UUID.randomUUID() + ".sock").toString();
        Path bundle = bundle("b1");
        Path socket = SocketAddress.path(address, "testns", "task1");
        // a stale socket file nobody listens on
        Files.createDirectories(socket.getParent());
        try (ServerSocketChannel stale = ServerSocketChannel.open(java.net.StandardProtocolFamily.UNIX)) {
            stale.bind(UnixDomainSocketAddress.of(socket));
        }
        assertThat(socket).exists();
        LogFifo log = LogFifo.create(bundle);

        String[] args = {"-namespace", "testns", "-address", address, "-publish-binary", "/usr/bin/containerd", "-id", "task1", "start"};
        long begin = System.nanoTime();
        Result started = shim(bundle, Map.of(), args);
        assertThat(started.code()).as(started.err()).isZero();
        assertThat(started.out()).isEqualTo("unix://" + socket);
        assertThat(Files.readString(bundle.resolve("address"))).isEqualTo("unix://" + socket);
        assertThat(Files.readString(bundle.resolve("bootstrap.json")))
                .isEqualTo("{\"version\":2,\"address\":\"unix://" + socket + "\",\"protocol\":\"ttrpc\"}");
        assertThat(Files.getPosixFilePermissions(socket)).hasToString("[OWNER_READ, OWNER_WRITE]");
        System.err.println("start took " + Duration.ofNanos(System.nanoTime() - begin).toMillis() + " ms");

        try (TtrpcClient client = TtrpcClient.connect(socket)) {
            assertThat(client.call(EchoPlugin.ECHO, StringValue.of("hi")).getValue()).isEqualTo("echo: hi");
        }

        // a second start for the same group returns the same address (JSON for containerd 1.7+)
        Path bundle2 = bundle("b2");
        Result again = shim(bundle2, Map.of("MAX_SHIM_VERSION", "2"), args);
        assertThat(again.code()).as(again.err()).isZero();
        assertThat(again.out()).isEqualTo("{\"version\":2,\"address\":\"unix://" + socket + "\",\"protocol\":\"ttrpc\"}");
        assertThat(Files.readString(bundle2.resolve("address"))).isEqualTo("unix://" + socket);

        long pid = Long.parseLong(Files.readString(bundle.resolve("io.containerd.ttrpc.v1.echo/pid")).trim());
        ProcessHandle daemon = ProcessHandle.of(pid).orElseThrow();
        assertThat(daemon.parent().map(ProcessHandle::pid).orElse(-1L)).isNotEqualTo(ProcessHandle.current().pid());
        Path oom = Path.of("/proc", Long.toString(pid), "oom_score_adj");
        int own = Integer.parseInt(Files.readString(Path.of("/proc/self/oom_score_adj")).trim());
        assertThat(Integer.parseInt(Files.readString(oom).trim())).isEqualTo(Math.min(own + 1, 1000));
        daemon.destroy();
        assertThat(daemon.onExit().get(20, TimeUnit.SECONDS).isAlive()).isFalse();
        assertThat(socket).doesNotExist();
        List<String> logLines = log.linesAfterClose(Duration.ofSeconds(10));
        assertThat(logLines).anySatisfy(line -> assertThat(line).matches("time=\"[-0-9T:.+Z]+\" level=info msg=\"echo plugin ready\" .*runtime=io.containerd.toy.v2.*"));
        assertThat(logLines).anySatisfy(line -> assertThat(line).contains("msg=\"received signal, shutting down\"").contains("signal=SIGTERM"));
    }

    @Test
    void daemonCrashDuringStartFailsFastWithItsMessage() throws Exception {
        String address = dir.resolve("containerd-" + UUID.randomUUID() + ".sock").toString();
        Path bundle = bundle("crash");
        long begin = System.nanoTime();
        Result result = shim(bundle, Map.of("TOY_CRASH", "toy crash: boom"),
                "-namespace", "testns", "-address", address, "-id", "task2", "start");
        assertThat(result.code()).isEqualTo(1);
        assertThat(result.err()).startsWith("io.containerd.toy.v2: ").contains("toy crash: boom");
        assertThat(Duration.ofNanos(System.nanoTime() - begin)).isLessThan(Duration.ofSeconds(30));
        assertThat(SocketAddress.path(address, "testns", "task2")).doesNotExist();
        assertThat(bundle.resolve("address")).doesNotExist();
    }

    @Test
    void deletePrintsDeleteResponse() throws Exception {
        Result result = shim(bundle("del"), Map.of(), "-namespace", "testns", "-id", "task3", "delete");
        assertThat(result.code()).as(result.err()).isZero();
        DeleteResponse response = DeleteResponse.parseFrom(result.raw());
        assertThat(response.getPid()).isEqualTo(42);
        assertThat(response.getExitStatus()).isEqualTo(137);
        assertThat(response.getExitedAt().getSeconds()).isEqualTo(1_700_000_000L);
    }
}
