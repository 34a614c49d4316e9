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
 * Malformed or hostile peers: each is answered with a status or has its own connection closed, the
 * server keeps serving others, and file descriptors, threads and connections return to the baseline.
 */
@Timeout(value = 60, unit = TimeUnit.SECONDS)
class BadInputTest {

    private static final Duration WAIT = Duration.ofSeconds(10);

    @TempDir
    Path dir;

    private TtrpcServer server;
    private Path socket;
    private int baselineFds;
    private int baselineThreads;
    private java.util.List<String> baselineThreadNames;

    @BeforeEach
    void startServer() throws Exception {
        server = TtrpcServer.builder()
                .addService(new EchoService())
                .readTimeout(Duration.ofMillis(300))
                .writeTimeout(Duration.ofMillis(500))
                .build();
        socket = dir.resolve("bad.sock");
        server.serve(socket);
        assertServerStillServes(); // warms up pollers and loggers before the baseline
        TestSockets.awaitTrue("warm-up connection to close", WAIT, () -> server.connectionCount() == 0);
        baselineFds = TestSockets.openFds();
        baselineThreads = TestSockets.platformThreads();
        baselineThreadNames = TestSockets.platformThreadNames();
    }

    @AfterEach
    void checkBaselineAndStop() throws Exception {
        assertServerStillServes();
        TestSockets.awaitTrue("connections, calls, fds and threads back to baseline (threads then: "
                + baselineThreadNames + ")", WAIT, () -> {
            try {
                return server.connectionCount() == 0 && server.activeCallCount() == 0
                        && TestSockets.openFds() <= baselineFds && TestSockets.platformThreads() <= baselineThreads;
            } catch (Exception e) {
                throw new RuntimeException(e);
            }
        });
        assertThat(server.shutdown(Duration.ofSeconds(2))).isTrue();
    }

    private void assertServerStillServes() throws Exception {
        try (TtrpcClient client = TtrpcClient.connect(socket)) {
            assertThat(EchoTtrpc.newBlockingStub(client).withDeadline(Duration.ofSeconds(5))
                    .echo(EchoRequest.newBuilder().setText("alive").build()).getText()).isEqualTo("alive");
        }
    }

    private static byte[] validRequest() {
        return io.jshim.ttrpc.proto.Request.newBuilder().setService(EchoTtrpc.SERVICE_NAME).setMethod("Echo")
                .setPayload(EchoRequest.newBuilder().setText("ok").build().toByteString()).build().toByteArray();
    }

    @Test
    void truncatedHeaderThenCloseClosesThatConnection() throws Exception {
        try (RawConnection raw = RawConnection.open(socket)) {
            raw.sendBytes(new byte[] {0, 0, 0, 5, 0});
            raw.channel.shutdownOutput();
            assertThat(raw.closedByPeer(WAIT)).isTrue();
        }
    }

    @Test
    void truncatedHeaderStalledIsClosedByReadTimeout() throws Exception {
        try (RawConnection raw = RawConnection.open(socket)) {
            raw.sendBytes(new byte[] {0, 0, 0, 5, 0});
            assertServerStillServes();
            assertThat(raw.closedByPeer(WAIT)).isTrue();
        }
    }

    @Test
    void declaredLengthOverLimitIsAnsweredResourceExhausted() throws Exception {
        try (RawConnection raw = RawConnection.open(socket)) {
            int length = Frames.MAX_DATA_LENGTH + 1;
            raw.sendHeader(length, 1, Frames.TYPE_REQUEST);
            raw.sendBytes(new byte[length]);
            var response = raw.receiveResponse(1, WAIT);
            assertThat(response.getStatus().getCode()).isEqualTo(Status.Code.RESOURCE_EXHAUSTED.value());
            assertThat(response.getStatus().getMessage()).contains(String.valueOf(length)).contains(String.valueOf(Frames.MAX_DATA_LENGTH));
            // the same connection keeps working
            raw.send(3, Frames.TYPE_REQUEST, validRequest());
            assertThat(raw.receiveResponse(3, WAIT).getStatus().getCode()).isZero();
        }
    }

    @Test
    void oversizedDeclaredLengthWithoutDataIsClosedByReadTimeout() throws Exception {
        try (RawConnection raw = RawConnection.open(socket)) {
            // over the limit but skipped (not garbage): the server waits for the data, up to the read timeout
            raw.sendHeader(Frames.MAX_DATA_LENGTH + 1, 1, Frames.TYPE_REQUEST);
            raw.sendBytes(new byte[100]);
            assertThat(raw.closedByPeer(WAIT)).isTrue();
        }
    }

    @Test
    void unknownFrameTypeClosesThatConnection() throws Exception {
        try (RawConnection raw = RawConnection.open(socket)) {
            // the header alone: the server closes at it, so writing the data could fail with a broken pipe
            raw.sendHeader(3, 1, (byte) 0x7f);
            assertThat(raw.closedByPeer(WAIT)).isTrue();
        }
    }

    @Test
    void responseFrameFromClientClosesThatConnection() throws Exception {
        try (RawConnection raw = RawConnection.open(socket)) {
            raw.send(1, Frames.TYPE_RESPONSE, new byte[0]);
            assertThat(raw.closedByPeer(WAIT)).isTrue();
        }
    }

    @Test
    void garbageProtobufIsAnsweredInvalidArgument() throws Exception {
        try (RawConnection raw = RawConnection.open(socket)) {
            raw.send(1, Frames.TYPE_REQUEST, new byte[] {(byte) 0xff, (byte) 0xff, (byte) 0xff, 0x01, 0x02});
            var response = raw.receiveResponse(1, WAIT);
            assertThat(response.getStatus().getCode()).isEqualTo(Status.Code.INVALID_ARGUMENT.value());
            assertThat(response.getStatus().getMessage()).startsWith("unmarshal request error");
            // garbage inside a valid envelope: the payload does not parse as the method's request
            byte[] badPayload = io.jshim.ttrpc.proto.Request.newBuilder().setService(EchoTtrpc.SERVICE_NAME).setMethod("Echo")
                    .setPayload(com.google.protobuf.ByteString.copyFrom(new byte[] {(byte) 0xff, (byte) 0xff})).build().toByteArray();
            raw.send(3, Frames.TYPE_REQUEST, badPayload);
            assertThat(raw.receiveResponse(3, WAIT).getStatus().getCode()).isEqualTo(Status.Code.INTERNAL.value());
        }
    }

    @Test
    void streamIdZeroOrEvenIsAnsweredInvalidArgument() throws Exception {
        try (RawConnection raw = RawConnection.open(socket)) {
            raw.send(0, Frames.TYPE_REQUEST, validRequest());
            var zero = raw.receiveResponse(0, WAIT);
            assertThat(zero.getStatus().getCode()).isEqualTo(Status.Code.INVALID_ARGUMENT.value());
            assertThat(zero.getStatus().getMessage()).contains("odd");
            raw.send(2, Frames.TYPE_REQUEST, validRequest());
            assertThat(raw.receiveResponse(2, WAIT).getStatus().getCode()).isEqualTo(Status.Code.INVALID_ARGUMENT.value());
        }
    }

    @Test
    void dataFrameForUnknownStreamIsAnswered() throws Exception {
        try (RawConnection raw = RawConnection.open(socket)) {
            raw.send(5, Frames.TYPE_DATA, new byte[] {1});
            assertThat(raw.receiveResponse(5, WAIT).getStatus().getCode()).isEqualTo(Status.Code.INVALID_ARGUMENT.value());
        }
    }

    @Test
    void peerGoneMidFrameClosesThatConnection() throws Exception {
        RawConnection raw = RawConnection.open(socket);
        raw.sendHeader(100, 1, Frames.TYPE_REQUEST);
        raw.sendBytes(new byte[10]);
        raw.close();
        TestSockets.awaitTrue("server to drop the half-sent connection", WAIT, () -> server.connectionCount() == 0);
    }

    @Test
    void peerThatNeverReadsIsClosedAfterWriteTimeout() throws Exception {
        try (RawConnection raw = RawConnection.open(socket)) {
            byte[] bigReply = io.jshim.ttrpc.proto.Request.newBuilder().setService(EchoTtrpc.SERVICE_NAME).setMethod("Echo")
                    .setPayload(EchoRequest.newBuilder().setReplySize(1 << 20).build().toByteString()).build().toByteArray();
            // 64 MiB of responses: far more than the socket buffers hold
            for (int stream = 1; stream < 128; stream += 2) {
                raw.send(stream, Frames.TYPE_REQUEST, bigReply);
            }
            TestSockets.awaitTrue("server to give up on the non-reading peer", WAIT, () -> server.connectionCount() == 0);
        }
    }
}
