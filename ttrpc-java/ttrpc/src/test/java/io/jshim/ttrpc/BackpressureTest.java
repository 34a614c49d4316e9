package io.jshim.ttrpc;

import static org.assertj.core.api.Assertions.assertThat;

import io.jshim.ttrpc.test.v1.EchoRequest;
import io.jshim.ttrpc.test.v1.EchoTtrpc;
import java.io.ByteArrayOutputStream;
import java.nio.ByteBuffer;
import java.nio.file.Path;
import java.time.Duration;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * A connection at its concurrent-call limit stops reading (backpressure); a reader waiting for a call
 * slot is not a stalled peer, only a frame whose remaining bytes do not arrive within the read timeout
 * is. Regression test for the fuzzing finding {@code BackpressureClosesConnection}: the watchdog
 * closed such connections after the read timeout and the running calls' replies were lost.
 */
@Timeout(value = 60, unit = TimeUnit.SECONDS)
class BackpressureTest {

    private static final Duration READ_TIMEOUT = Duration.ofMillis(200);
    private static final Duration WAIT = Duration.ofSeconds(10);

    @TempDir
    Path dir;

    private TtrpcServer server;
    private Path socket;

    @BeforeEach
    void startServer() throws Exception {
        server = TtrpcServer.builder()
                .addService(new EchoService())
                .maxConcurrentCallsPerConnection(1)
                .readTimeout(READ_TIMEOUT)
                .build();
        socket = dir.resolve("backpressure.sock");
        server.serve(socket);
    }

    @AfterEach
    void stopServer() {
        assertThat(server.shutdown(Duration.ofSeconds(2))).isTrue();
    }

    private static byte[] sleepingRequestFrame(int streamId, long sleepMillis) {
        byte[] request = io.jshim.ttrpc.proto.Request.newBuilder().setService(EchoTtrpc.SERVICE_NAME).setMethod("Echo")
                .setPayload(EchoRequest.newBuilder().setText("stream " + streamId).setSleepMillis(sleepMillis).build().toByteString())
                .build().toByteArray();
        return ByteBuffer.allocate(10 + request.length).putInt(request.length).putInt(streamId)
                .put(Frames.TYPE_REQUEST).put((byte) 0).put(request).array();
    }

    @Test
    void completeRequestsWaitingForACallSlotAreServedNotTakenForAStall() throws Exception {
        ByteArrayOutputStream frames = new ByteArrayOutputStream();
        for (int stream = 1; stream <= 5; stream += 2) {
            // each call outlasts the read timeout, so the queued ones wait longer than it for a slot
            frames.write(sleepingRequestFrame(stream, 3 * READ_TIMEOUT.toMillis()));
        }
        try (RawConnection raw = RawConnection.open(socket)) {
            raw.sendBytes(frames.toByteArray()); // three complete requests in one write
            for (int stream = 1; stream <= 5; stream += 2) {
                var response = raw.receiveResponse(stream, WAIT);
                assertThat(response.getStatus().getCode()).as("status of stream %d", stream).isZero();
            }
            assertThat(server.connectionCount()).isEqualTo(1);
        }
    }

    /**
     * The half-sent frame waits in the buffer behind a request that waits for a slot; its clock starts
     * when the reader gets to it (after stream 1 is answered and stream 3 dispatched), and the
     * connection is then closed like any stalled one, dropping stream 3's reply.
     */
    @Test
    void partialFrameBehindQueuedRequestsIsStillClosedByTheReadTimeout() throws Exception {
        ByteArrayOutputStream frames = new ByteArrayOutputStream();
        frames.write(sleepingRequestFrame(1, 3 * READ_TIMEOUT.toMillis()));
        frames.write(sleepingRequestFrame(3, 3 * READ_TIMEOUT.toMillis()));
        byte[] stalled = sleepingRequestFrame(5, 0);
        frames.write(stalled, 0, stalled.length / 2); // the rest never comes
        try (RawConnection raw = RawConnection.open(socket)) {
            raw.sendBytes(frames.toByteArray());
            assertThat(raw.receiveResponse(1, WAIT).getStatus().getCode()).isZero();
            assertThat(raw.closedByPeer(WAIT)).isTrue();
        }
        TestSockets.awaitTrue("stalled connection to be dropped", WAIT, () -> server.connectionCount() == 0);
    }
}
