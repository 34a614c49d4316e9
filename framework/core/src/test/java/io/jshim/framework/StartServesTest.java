package io.jshim.framework;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.google.protobuf.StringValue;
import io.jshim.framework.toy.EchoPlugin;
import io.jshim.ttrpc.TtrpcClient;
import java.io.OutputStream;
import java.net.StandardProtocolFamily;
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
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * The one-JVM start a launcher asks for with {@code JSHIM_START_SERVES=1} and the shim arguments without
 * {@code start}: the JVM prints {@code jshim: started} and the address, closes its stdout and stderr (the launcher
 * sees EOF and exits) and goes on as the daemon; a second start of the group prints the same address and exits;
 * a failure prints the error and exits 1 leaving no socket or bundle files; with HOCON daemon JVM options the JVM
 * spawns the daemon as the two-JVM start does.
 */
@Timeout(120)
class StartServesTest {
    @TempDir
    Path dir;
    private final List<Process> started = new ArrayList<>();

    /** A JVM that ran the start: what it printed until it closed stdout and stderr, and the process. */
    record Start(Process process, String output) {
    }

    @AfterEach
    void stopDaemons() throws Exception {
        for (Process process : started) {
            process.destroy();
            process.waitFor(20, TimeUnit.SECONDS);
        }
    }

    private Start start(Path bundle, String config, Map<String, String> env, String... args) throws Exception {
        Path file = dir.resolve("jshim-" + UUID.randomUUID() + ".conf");
        Files.writeString(file, "jshim.start-timeout = 30s\n" + config);
        ProcessBuilder builder = new ProcessBuilder(ToyShimRunner.command(args)).directory(bundle.toFile())
                .redirectErrorStream(true);
        builder.environment().remove("MAX_SHIM_VERSION");
        builder.environment().remove("TTRPC_ADDRESS");
        builder.environment().put("JSHIM_CONFIG", file.toString());
        builder.environment().put(StartAction.SERVE_ENV, "1");
        builder.environment().putAll(env);
        Process process = builder.start();
        started.add(process);
        try (OutputStream in = process.getOutputStream()) {
            in.write(new byte[0]);
        }
        // EOF comes when the JVM exits or, serving, points stdout and stderr elsewhere
        String output = new String(process.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        return new Start(process, output);
    }

    private String address() {
        return dir.resolve("containerd-" + UUID.randomUUID() + ".sock").toString();
    }

    private Path bundle(String name) throws Exception {
        return Files.createDirectories(dir.resolve(name));
    }

    @Test
    void theStartJvmBecomesTheDaemonAndTheGroupsNextStartReusesIt() throws Exception {
        String address = address();
        Path bundle = bundle("b1");
        Path socket = SocketAddress.path(address, "testns", "task1");
        LogFifo log = LogFifo.create(bundle);
        String[] args = {"-namespace", "testns", "-address", address, "-publish-binary", "/usr/bin/containerd", "-id", "task1"};

        Start first = start(bundle, "", Map.of(), args);

        assertThat(first.output()).isEqualTo(StartAction.SERVED + "\nunix://" + socket);
        assertThat(first.process().isAlive()).as("the start JVM is the daemon").isTrue();
        assertThat(Files.readString(bundle.resolve("address"))).isEqualTo("unix://" + socket);
        assertThat(Files.getPosixFilePermissions(socket)).hasToString("[OWNER_READ, OWNER_WRITE]");
        long pid = Long.parseLong(Files.readString(bundle.resolve("io.containerd.ttrpc.v1.echo/pid")).trim());
        assertThat(pid).isEqualTo(first.process().pid());
        int own = Integer.parseInt(Files.readString(Path.of("/proc/self/oom_score_adj")).trim());
        assertThat(Integer.parseInt(Files.readString(Path.of("/proc", Long.toString(pid), "oom_score_adj")).trim()))
                .isEqualTo(Math.min(own + 1, 1000));
        try (TtrpcClient client = TtrpcClient.connect(socket)) {
            assertThat(client.call(EchoPlugin.ECHO, StringValue.of("hi")).getValue()).isEqualTo("echo: hi");
        }

        Path bundle2 = bundle("b2");
        Start second = start(bundle2, "", Map.of("MAX_SHIM_VERSION", "2"), args);
        assertThat(second.process().waitFor(30, TimeUnit.SECONDS)).as("the second start exits").isTrue();
        assertThat(second.process().exitValue()).isZero();
        assertThat(second.output()).isEqualTo(StartAction.SERVED
                + "\n{\"version\":2,\"address\":\"unix://" + socket + "\",\"protocol\":\"ttrpc\"}");
        assertThat(Files.readString(bundle2.resolve("address"))).isEqualTo("unix://" + socket);

        first.process().destroy();
        assertThat(first.process().waitFor(20, TimeUnit.SECONDS)).isTrue();
        assertThat(socket).doesNotExist();
        List<String> logLines = log.linesAfterClose(Duration.ofSeconds(10));
        assertThat(logLines).anySatisfy(line -> assertThat(line).contains("msg=\"echo plugin ready\""));
    }

    @Test
    void aFailingStartPrintsItsErrorExitsOneAndLeavesNothing() throws Exception {
        String address = address();
        Path bundle = bundle("crash");

        Start start = start(bundle, "", Map.of("TOY_CRASH", "toy crash: boom"),
                "-namespace", "testns", "-address", address, "-id", "task2");

        assertThat(start.process().waitFor(30, TimeUnit.SECONDS)).isTrue();
        assertThat(start.process().exitValue()).isEqualTo(1);
        // without the bundle's log FIFO (containerd always makes one) the daemon's log lines precede the error
        assertThat(start.output()).doesNotContain(StartAction.SERVED);
        assertThat(start.output().lines().toList().getLast()).startsWith("io.containerd.toy.v2: ")
                .contains("toy crash: boom");
        assertThat(SocketAddress.path(address, "testns", "task2")).doesNotExist();
        assertThat(bundle.resolve("address")).doesNotExist();
    }

    @Test
    void daemonJvmOptionsInHoconMakeTheStartSpawnTheDaemon() throws Exception {
        String address = address();
        Path bundle = bundle("spawned");
        Path socket = SocketAddress.path(address, "testns", "task3");

        Start start = start(bundle, "jshim.daemon-jvm-options = [\"-Xmx64m\"]\n", Map.of(),
                "-namespace", "testns", "-address", address, "-id", "task3");

        assertThat(start.process().waitFor(30, TimeUnit.SECONDS)).as("the start JVM exits").isTrue();
        assertThat(start.process().exitValue()).as(start.output()).isZero();
        assertThat(start.output()).isEqualTo(StartAction.SERVED + "\nunix://" + socket);
        long pid = Long.parseLong(Files.readString(bundle.resolve("io.containerd.ttrpc.v1.echo/pid")).trim());
        ProcessHandle daemon = ProcessHandle.of(pid).orElseThrow();
        assertThat(pid).isNotEqualTo(start.process().pid());
        try (TtrpcClient client = TtrpcClient.connect(socket)) {
            assertThat(client.call(EchoPlugin.ECHO, StringValue.of("ho")).getValue()).isEqualTo("echo: ho");
        }
        daemon.destroy();
        assertThat(daemon.onExit().get(20, TimeUnit.SECONDS).isAlive()).isFalse();
    }

    @Test
    void aStartThatLosesTheRaceToBindJoinsTheDaemonThatWonAndRemovesNothing() throws Exception {
        Path socket = dir.resolve("s").resolve("group.sock");
        Files.createDirectories(socket.getParent());
        try (ServerSocketChannel winner = ServerSocketChannel.open(StandardProtocolFamily.UNIX)) {
            winner.bind(UnixDomainSocketAddress.of(socket));

            assertThat(StartAction.listenOrJoin(socket, "unix://" + socket)).isEmpty();
            assertThat(socket).as("the winner's socket").exists();
        }
        // a socket file nobody listens on is an error, and it is not this start's to remove
        assertThat(socket).exists();
        assertThatThrownBy(() -> StartAction.listenOrJoin(socket, "unix://" + socket))
                .isInstanceOf(ShimException.class).hasMessageContaining("cannot listen on " + socket);
        assertThat(socket).exists();
    }
}
