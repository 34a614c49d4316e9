package io.jshim.ttrpc.interop;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.google.protobuf.ByteString;
import io.jshim.ttrpc.Metadata;
import io.jshim.ttrpc.Status;
import io.jshim.ttrpc.TtrpcClient;
import io.jshim.ttrpc.TtrpcException;
import io.jshim.ttrpc.interop.v1.EchoRequest;
import io.jshim.ttrpc.interop.v1.EchoResponse;
import io.jshim.ttrpc.interop.v1.InteropTtrpc;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.io.TempDir;

/** The Java client against the reference Go server (containerd/ttrpc, Debian's build). */
@Timeout(value = 5, unit = TimeUnit.MINUTES)
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class JavaClientGoServerInteropTest {

    private static final int MAX = 4 << 20;

    @TempDir
    static Path dir;

    private Process server;
    private TtrpcClient client;
    private InteropTtrpc.InteropBlockingStub stub;

    @BeforeAll
    void startGoServer() throws Exception {
        Path goProgram = GoInteropProgram.build();
        Path socket = dir.resolve("go-server.sock");
        server = new ProcessBuilder(goProgram.toString(), "server", socket.toString()).inheritIO().start();
        long end = System.nanoTime() + TimeUnit.SECONDS.toNanos(20);
        while (!Files.exists(socket)) {
            assertThat(server.isAlive()).as("Go server running").isTrue();
            assertThat(System.nanoTime() - end).as("Go server socket appeared").isNegative();
            Thread.sleep(20);
        }
        client = TtrpcClient.connect(socket);
        stub = InteropTtrpc.newBlockingStub(client);
    }

    @AfterAll
    void stopGoServer() throws Exception {
        if (client != null) {
            client.close();
        }
        if (server != null) {
            server.destroy();
            assertThat(server.waitFor(10, TimeUnit.SECONDS)).isTrue();
        }
    }

    @Test
    void unaryCallWithMetadata() {
        EchoResponse response = stub.withMetadata(Metadata.of("x-trace", "a").with("x-trace", "b").with("X-Single", "1"))
                .echo(EchoRequest.newBuilder().setText("hello from java").build());
        assertThat(response.getText()).isEqualTo("hello from java");
        assertThat(response.getMetadataMap()).containsEntry("x-trace", "a,b").containsEntry("x-single", "1");
    }

    @Test
    void expiredDeadlineIsDeadlineExceeded() {
        long start = System.nanoTime();
        assertThatThrownBy(() -> stub.withDeadline(Duration.ofMillis(300)).echo(EchoRequest.newBuilder().setSleepMillis(10_000).build()))
                .isInstanceOfSatisfying(TtrpcException.class, e -> assertThat(e.status().code()).isEqualTo(Status.Code.DEADLINE_EXCEEDED));
        assertThat(Duration.ofNanos(System.nanoTime() - start)).isLessThan(Duration.ofSeconds(5));
    }

    @Test
    void goServerHonoursTimeoutNano() throws Exception {
        // the Go handler sees the deadline from timeout_nano and answers DeadlineExceeded itself
        assertThatThrownBy(() -> stub.withDeadline(Duration.ofMillis(200)).echo(EchoRequest.newBuilder().setSleepMillis(150_000).build()))
                .isInstanceOfSatisfying(TtrpcException.class, e -> assertThat(e.status().code()).isEqualTo(Status.Code.DEADLINE_EXCEEDED));
        assertThat(stub.echo(EchoRequest.newBuilder().setText("after").build()).getText()).isEqualTo("after");
    }

    @Test
    void errorStatusesKeepCodeAndMessage() {
        assertThatThrownBy(() -> stub.echo(EchoRequest.newBuilder().setFailCode(5).setText("container c1 not found").build()))
                .isInstanceOfSatisfying(TtrpcException.class, e ->
                        assertThat(e.status()).isEqualTo(Status.NOT_FOUND.withDescription("container c1 not found")));
        assertThatThrownBy(() -> stub.echo(EchoRequest.newBuilder().setFailCode(-1).setText("plain go error").build()))
                .isInstanceOfSatisfying(TtrpcException.class, e ->
                        assertThat(e.status()).isEqualTo(Status.UNKNOWN.withDescription("plain go error")));
    }

    @Test
    void unknownMethodIsUnimplemented() {
        var missing = io.jshim.ttrpc.MethodDescriptor.create(InteropTtrpc.SERVICE_NAME, "NoSuchMethod",
                EchoRequest.parser(), EchoResponse.parser());
        assertThatThrownBy(() -> client.call(missing, EchoRequest.getDefaultInstance()))
                .isInstanceOfSatisfying(TtrpcException.class, e -> assertThat(e.status().code()).isEqualTo(Status.Code.UNIMPLEMENTED));
    }

    @Test
    void fourMebibyteLimitBothWays() {
        assertThatThrownBy(() -> stub.echo(EchoRequest.newBuilder().setBlob(ByteString.copyFrom(new byte[MAX + 1])).build()))
                .isInstanceOfSatisfying(TtrpcException.class, e -> {
                    assertThat(e.status().code()).isEqualTo(Status.Code.RESOURCE_EXHAUSTED);
                    assertThat(e.status().description()).contains(String.valueOf(MAX));
                });
        // Debian's Go server (1.1) sends oversized responses; the Java client refuses to read them
        assertThatThrownBy(() -> stub.echo(EchoRequest.newBuilder().setReplySize(MAX + 1).build()))
                .isInstanceOfSatisfying(TtrpcException.class, e -> {
                    assertThat(e.status().code()).isEqualTo(Status.Code.RESOURCE_EXHAUSTED);
                    assertThat(e.status().description()).contains(String.valueOf(MAX));
                });
        assertThat(stub.echo(EchoRequest.newBuilder().setBlob(ByteString.copyFrom(new byte[MAX - 1024])).build()).getBlob().size())
                .isEqualTo(MAX - 1024);
    }

    @Test
    void hundredConcurrentCallsOnOneConnection() throws Exception {
        try (var executor = Executors.newVirtualThreadPerTaskExecutor()) {
            List<Future<String>> results = new ArrayList<>();
            for (int i = 0; i < 100; i++) {
                String text = "call-" + i;
                long sleep = (100 - i) * 2L;
                results.add(executor.submit(() -> stub.echo(EchoRequest.newBuilder().setText(text).setSleepMillis(sleep).build()).getText()));
            }
            for (int i = 0; i < 100; i++) {
                assertThat(results.get(i).get(30, TimeUnit.SECONDS)).isEqualTo("call-" + i);
            }
        }
    }
}
