package io.jshim.ttrpc;

import static org.assertj.core.api.Assertions.assertThat;

import io.jshim.ttrpc.test.v1.EchoRequest;
import io.jshim.ttrpc.test.v1.EchoTtrpc;
import java.nio.file.Path;
import java.time.Duration;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * A peer that does not read delays only its own replies: every other client's deadline still fires on
 * time. Regression test for the fuzzing finding {@code DeadlineTimerBlockedByNonReadingPeer}: the one
 * deadline timer thread wrote the {@code DEADLINE_EXCEEDED} replies itself, so a blocked write stopped
 * every deadline of the server until the watchdog dropped the non-reading peer.
 */
@Timeout(value = 60, unit = TimeUnit.SECONDS)
class DeadlineIsolationTest {

    private static final Duration WRITE_TIMEOUT = Duration.ofSeconds(5);
    private static final Duration WAIT = Duration.ofSeconds(10);

    @TempDir
    Path dir;

    private TtrpcServer server;
    private Path socket;

    @BeforeEach
    void startServer() throws Exception {
        server = TtrpcServer.builder().addService(new EchoService()).writeTimeout(WRITE_TIMEOUT).build();
        socket = dir.resolve("deadlines.sock");
        server.serve(socket);
    }

    @AfterEach
    void stopServer() {
        assertThat(server.shutdown(Duration.ofSeconds(5))).isTrue();
    }

    private static byte[] request(EchoRequest echo, Duration timeout) {
        return io.jshim.ttrpc.proto.Request.newBuilder().setService(EchoTtrpc.SERVICE_NAME).setMethod("Echo")
                .setTimeoutNano(timeout.toNanos()).setPayload(echo.toByteString()).build().toByteArray();
    }

    @Test
    void deadlineOfOneClientFiresWhileAnotherPeerBlocksItsWrites() throws Exception {
        try (RawConnection notReading = RawConnection.open(socket)) {
            // a reply far larger than the socket buffers: its write blocks and holds the connection's writer
            notReading.send(1, Frames.TYPE_REQUEST, request(EchoRequest.newBuilder().setReplySize(1 << 20).build(), Duration.ZERO));
            TestSockets.awaitTrue("the large reply to be blocked on the peer", WAIT, () -> server.activeCallCount() == 1);
            Thread.sleep(100);
            assertThat(server.activeCallCount()).as("the large reply stays unsent").isEqualTo(1);
            // a call whose deadline passes while that write is blocked: its DEADLINE_EXCEEDED cannot be written
            notReading.send(3, Frames.TYPE_REQUEST, request(EchoRequest.newBuilder().setSleepMillis(10_000).build(), Duration.ofMillis(50)));
            Thread.sleep(300);

            try (RawConnection bystander = RawConnection.open(socket)) {
                long start = System.nanoTime();
                bystander.send(1, Frames.TYPE_REQUEST, request(EchoRequest.newBuilder().setSleepMillis(3_000).build(), Duration.ofMillis(100)));
                var response = bystander.receiveResponse(1, WAIT);
                Duration took = Duration.ofNanos(System.nanoTime() - start);

                assertThat(response.getStatus().getCode()).as("status after %s", took).isEqualTo(Status.Code.DEADLINE_EXCEEDED.value());
                assertThat(took).isLessThan(Duration.ofMillis(1_500)).isLessThan(WRITE_TIMEOUT);
            }
        }
        TestSockets.awaitTrue("both connections to close", WAIT, () -> server.connectionCount() == 0);
    }
}
