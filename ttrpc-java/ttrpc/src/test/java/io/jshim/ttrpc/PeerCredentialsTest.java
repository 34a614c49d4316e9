package io.jshim.ttrpc;

import static org.assertj.core.api.Assertions.assertThat;

import io.jshim.ttrpc.test.v1.EchoRequest;
import io.jshim.ttrpc.test.v1.EchoTtrpc;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.OptionalLong;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * The peer's pid in {@link PeerCredentials}: read from a real connection while it is open (this JVM runs with
 * {@code --add-exports java.base/sun.nio.ch=ALL-UNNAMED}, see the pom's surefire argLine), unknown once it is
 * closed, and unknown without a flag it needs, silently (containerd reads a shim's output).
 */
@Timeout(value = 60, unit = TimeUnit.SECONDS)
class PeerCredentialsTest {

    private static final Duration WAIT = Duration.ofSeconds(10);

    @TempDir
    Path dir;

    private final List<PeerCredentials> peers = new CopyOnWriteArrayList<>();
    private TtrpcServer server;
    private Path socket;

    @BeforeEach
    void startServer() throws Exception {
        server = TtrpcServer.builder()
                .addService(new EchoService())
                .peerCredentialsCheck(peers::add)
                .build();
        socket = dir.resolve("peer.sock");
        server.serve(socket);
    }

    @AfterEach
    void stopServer() {
        assertThat(server.shutdown(Duration.ofSeconds(2))).isTrue();
    }

    @Test
    void realConnectionCarriesThisProcessPid() throws Exception {
        long self = ProcessHandle.current().pid();
        try (TtrpcClient client = TtrpcClient.connect(socket)) {
            echo(client);
            assertThat(peers).hasSize(1);
            assertThat(peers.getFirst().pid()).isEqualTo(OptionalLong.of(self));
            assertThat(peers.getFirst()).hasToString("user=" + peers.getFirst().user().getName()
                    + " group=" + peers.getFirst().group().getName() + " pid=" + self);
        }
    }

    @Test
    void pidFirstAskedAfterTheConnectionClosedIsUnknown() throws Exception {
        try (TtrpcClient client = TtrpcClient.connect(socket)) {
            echo(client);
        }
        TestSockets.awaitTrue("the server to close the connection", WAIT, () -> server.connectionCount() == 0);
        // the descriptor number may already belong to another socket: never read from it
        assertThat(peers.getFirst().pid()).isEmpty();
        assertThat(peers.getFirst().toString()).endsWith(" pid=unknown");
    }

    @Test
    void pidIsUnknownWithoutTheExportOrNativeAccessAndNothingIsPrinted() throws Exception {
        String export = "--add-exports=java.base/sun.nio.ch=ALL-UNNAMED";
        String nativeAccess = "--enable-native-access=ALL-UNNAMED";
        assertThat(probe(export, nativeAccess)).matches("pid=(\\d+) self=\\1");
        assertThat(probe(nativeAccess)).matches("pid=unknown self=\\d+");
        assertThat(probe(export)).matches("pid=unknown self=\\d+");
    }

    private static void echo(TtrpcClient client) {
        assertThat(EchoTtrpc.newBlockingStub(client).withDeadline(Duration.ofSeconds(5))
                .echo(EchoRequest.newBuilder().setText("hi").build()).getText()).isEqualTo("hi");
    }

    /** @return the whole output (stdout and stderr) of {@link PeerPidProbe} in a JVM with these flags */
    private String probe(String... flags) throws IOException, InterruptedException {
        List<String> command = new ArrayList<>();
        command.add(Path.of(System.getProperty("java.home"), "bin", "java").toString());
        command.addAll(List.of(flags));
        command.addAll(List.of("-cp", System.getProperty("java.class.path"), PeerPidProbe.class.getName()));
        Process process = new ProcessBuilder(command).redirectErrorStream(true).start();
        try {
            String output = new String(process.getInputStream().readAllBytes(), StandardCharsets.UTF_8).strip();
            assertThat(process.waitFor(WAIT.toSeconds(), TimeUnit.SECONDS)).as("probe exits").isTrue();
            assertThat(process.exitValue()).as("probe exit code, output: %s", output).isZero();
            return output;
        } finally {
            process.destroyForcibly();
        }
    }
}
