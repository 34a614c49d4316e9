package io.jshim.ttrpc;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.google.protobuf.ByteString;
import io.jshim.ttrpc.test.v1.EchoRequest;
import io.jshim.ttrpc.test.v1.EchoResponse;
import io.jshim.ttrpc.test.v1.EchoTtrpc;
import io.jshim.ttrpc.test.v1.StreamingTtrpc;
import java.nio.ByteBuffer;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.Callable;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/** Streaming calls (containerd/ttrpc 1.2 streams) between the Java client and server. */
@Timeout(value = 60, unit = TimeUnit.SECONDS)
class StreamingTest {

    private static final Duration WAIT = Duration.ofSeconds(10);

    @TempDir
    Path dir;

    private TtrpcServer server;
    private Path socket;
    private TtrpcClient client;
    private StreamingTtrpc.StreamingBlockingStub stub;

    @BeforeEach
    void start() throws Exception {
        server = TtrpcServer.builder()
                .addService(new StreamingService())
                .addService(new EchoService())
                .writeTimeout(Duration.ofMillis(500))
                .build();
        socket = dir.resolve("streams.sock");
        server.serve(socket);
        client = TtrpcClient.connect(socket);
        stub = StreamingTtrpc.newBlockingStub(client);
    }

    @AfterEach
    void stop() throws Exception {
        client.close();
        TestSockets.awaitTrue("no call left running", WAIT, () -> server.activeCallCount() == 0);
        server.close();
    }

    private static EchoRequest text(String text) {
        return EchoRequest.newBuilder().setText(text).build();
    }

    @Test
    void serverStreamingSendsEveryMessageThenOk() {
        ClientStream<EchoRequest, EchoResponse> stream = stub.count(EchoRequest.newBuilder().setReplySize(5).build());

        List<String> texts = new ArrayList<>();
        for (Optional<EchoResponse> next = stream.receive(); next.isPresent(); next = stream.receive()) {
            texts.add(next.get().getText());
        }

        assertThat(texts).containsExactly("0", "1", "2", "3", "4");
        assertThat(stream.status()).contains(Status.OK);
        assertThat(stream.receive()).isEmpty();
    }

    @Test
    void clientStreamingAnswersTheSum() {
        ClientStream<EchoRequest, EchoResponse> stream = stub.sum();
        for (int i = 1; i <= 10; i++) {
            stream.send(text(String.valueOf(i)));
        }
        stream.closeSend();

        assertThat(stream.receive()).map(EchoResponse::getText).contains("55");
        assertThat(stream.receive()).isEmpty();
        assertThat(stream.status()).contains(Status.OK);
    }

    @Test
    void bidiStreamingEchoesEachMessage() {
        ClientStream<EchoRequest, EchoResponse> stream = stub.chat();
        for (int i = 0; i < 20; i++) {
            stream.send(text("m" + i));
            assertThat(stream.receive()).map(EchoResponse::getText).contains("m" + i);
        }
        stream.closeSend();

        assertThat(stream.receive()).isEmpty();
        assertThat(stream.status()).contains(Status.OK);
    }

    @Test
    void errorStatusMidStreamEndsTheCall() {
        ClientStream<EchoRequest, EchoResponse> chat = stub.chat();
        chat.send(text("a"));
        assertThat(chat.receive()).map(EchoResponse::getText).contains("a");
        chat.send(text("fail"));

        assertThatThrownBy(chat::receive).isInstanceOfSatisfying(TtrpcException.class,
                e -> assertThat(e.status().code()).isEqualTo(Status.Code.INVALID_ARGUMENT));
        assertThat(chat.status()).hasValueSatisfying(s -> assertThat(s.description()).contains("asked to fail"));

        ClientStream<EchoRequest, EchoResponse> count = stub.count(EchoRequest.newBuilder()
                .setReplySize(3).setFailCode(Status.Code.NOT_FOUND.value()).setText("gone").build());
        assertThat(count.receive()).isPresent();
        assertThat(count.receive()).isPresent();
        assertThat(count.receive()).isPresent();
        assertThatThrownBy(count::receive).isInstanceOfSatisfying(TtrpcException.class,
                e -> assertThat(e.status().code()).isEqualTo(Status.Code.NOT_FOUND));
    }

    @Test
    void unimplementedStreamingMethodAnswersUnimplemented() throws Exception {
        try (TtrpcServer bare = TtrpcServer.builder().addService(new StreamingTtrpc.StreamingImplBase() { }).build()) {
            Path other = dir.resolve("bare.sock");
            bare.serve(other);
            try (TtrpcClient c = TtrpcClient.connect(other)) {
                ClientStream<EchoRequest, EchoResponse> stream = StreamingTtrpc.newBlockingStub(c).chat();
                assertThatThrownBy(stream::receive).isInstanceOfSatisfying(TtrpcException.class,
                        e -> assertThat(e.status().description()).contains("ttrpc.test.v1.Streaming/Chat"));
            }
        }
    }

    @Test
    void deadlineEndsAStreamOnBothSides() throws Exception {
        ClientStream<EchoRequest, EchoResponse> stream = stub.withDeadline(Duration.ofMillis(300)).chat();
        stream.send(text("a"));
        assertThat(stream.receive()).isPresent();
        long start = System.nanoTime();

        assertThatThrownBy(stream::receive).isInstanceOfSatisfying(TtrpcException.class,
                e -> assertThat(e.status().code()).isEqualTo(Status.Code.DEADLINE_EXCEEDED));
        assertThat(Duration.ofNanos(System.nanoTime() - start)).isLessThan(Duration.ofSeconds(5));
        // the server's handler, blocked in receive(), was ended by the deadline too
        TestSockets.awaitTrue("server stream to end", WAIT, () -> server.activeCallCount() == 0);

        ClientStream<EchoRequest, EchoResponse> slow = stub.withDeadline(Duration.ofMillis(200))
                .count(EchoRequest.newBuilder().setReplySize(100).setSleepMillis(50).build());
        assertThatThrownBy(() -> {
            while (slow.receive().isPresent()) {
                // drain until the deadline
            }
        }).isInstanceOfSatisfying(TtrpcException.class, e -> assertThat(e.status().code()).isEqualTo(Status.Code.DEADLINE_EXCEEDED));
        TestSockets.awaitTrue("server stream to end", WAIT, () -> server.activeCallCount() == 0);
        assertThat(client.isClosed()).isFalse();
        assertThat(stub.count(EchoRequest.newBuilder().setReplySize(1).build()).receive()).isPresent();
    }

    @Test
    void peerGoneMidStreamReleasesEverything() throws Exception {
        TestSockets.awaitTrue("warm-up", WAIT, () -> server.connectionCount() == 1);
        client.close();
        TestSockets.awaitTrue("warm-up connection to close", WAIT, () -> server.connectionCount() == 0);
        int baselineFds = TestSockets.openFds();
        int baselineThreads = TestSockets.platformThreads();

        for (int round = 0; round < 3; round++) {
            TtrpcClient gone = TtrpcClient.connect(socket);
            var goneStub = StreamingTtrpc.newBlockingStub(gone);
            ClientStream<EchoRequest, EchoResponse> waiting = goneStub.chat(); // handler blocked in receive()
            waiting.send(text("x"));
            assertThat(waiting.receive()).isPresent();
            // handler blocked in send(): the client never reads these 64 KiB messages
            goneStub.count(EchoRequest.newBuilder().setReplySize(1000).setBlob(ByteString.copyFrom(new byte[64 << 10])).build());
            ClientStream<EchoRequest, EchoResponse> summing = goneStub.sum();
            summing.send(text("1"));
            TestSockets.awaitTrue("three streams served", WAIT, () -> server.activeCallCount() == 3);
            gone.close();
            assertThatThrownBy(waiting::receive).isInstanceOfSatisfying(TtrpcException.class,
                    e -> assertThat(e.status().code()).isEqualTo(Status.Code.UNAVAILABLE));
        }

        TestSockets.awaitTrue("connections, calls, fds, threads and stream threads back to baseline", WAIT, () -> {
            try {
                return server.connectionCount() == 0 && server.activeCallCount() == 0
                        && TestSockets.openFds() <= baselineFds && TestSockets.platformThreads() <= baselineThreads
                        && TestSockets.threadsNamed(dir, "ttrpc-stream-") == 0;
            } catch (Exception e) {
                throw new RuntimeException(e);
            }
        });
        client = TtrpcClient.connect(socket); // for @AfterEach
    }

    @Test
    void manyStreamsAndUnaryCallsShareOneConnection() throws Exception {
        var echo = EchoTtrpc.newBlockingStub(client);
        List<Callable<String>> work = new ArrayList<>();
        for (int t = 0; t < 8; t++) {
            String prefix = "s" + t + "-";
            work.add(() -> {
                ClientStream<EchoRequest, EchoResponse> stream = stub.chat();
                StringBuilder got = new StringBuilder();
                for (int i = 0; i < 25; i++) {
                    stream.send(text(prefix + i));
                    got.append(stream.receive().orElseThrow().getText()).append(',');
                }
                stream.closeSend();
                assertThat(stream.receive()).isEmpty();
                return got.toString();
            });
            work.add(() -> {
                StringBuilder got = new StringBuilder();
                for (int i = 0; i < 25; i++) {
                    got.append(echo.echo(text(prefix + i)).getText()).append(',');
                }
                return got.toString();
            });
            work.add(() -> {
                ClientStream<EchoRequest, EchoResponse> stream = stub.sum();
                for (int i = 0; i < 25; i++) {
                    stream.send(text(String.valueOf(i)));
                }
                stream.closeSend();
                return stream.receive().orElseThrow().getText();
            });
        }
        String expected = java.util.stream.IntStream.range(0, 25).mapToObj(i -> "%s" + i + ",").reduce("", String::concat);
        try (ExecutorService pool = Executors.newVirtualThreadPerTaskExecutor()) {
            List<Future<String>> results = pool.invokeAll(work);
            for (int t = 0; t < 8; t++) {
                String prefix = "s" + t + "-";
                assertThat(results.get(3 * t).get()).isEqualTo(expected.replace("%s", prefix));
                assertThat(results.get(3 * t + 1).get()).isEqualTo(expected.replace("%s", prefix));
                assertThat(results.get(3 * t + 2).get()).isEqualTo("300");
            }
        }
    }

    @Test
    void wireFramesFollowGoTtrpc() throws Exception {
        try (RawConnection raw = RawConnection.open(socket)) {
            // server streaming: request flagged remote-closed carrying the request
            byte[] count = io.jshim.ttrpc.proto.Request.newBuilder().setService("ttrpc.test.v1.Streaming").setMethod("Count")
                    .setPayload(EchoRequest.newBuilder().setReplySize(2).build().toByteString()).build().toByteArray();
            sendFrame(raw, 1, Frames.TYPE_REQUEST, Frames.FLAG_REMOTE_CLOSED, count);
            for (int i = 0; i < 2; i++) {
                Frames.Frame data = raw.receive(WAIT);
                assertThat(data.streamId()).isEqualTo(1);
                assertThat(data.type()).isEqualTo(Frames.TYPE_DATA);
                assertThat(data.flags()).isEqualTo((byte) 0);
                assertThat(EchoResponse.parseFrom(data.data()).getText()).isEqualTo(String.valueOf(i));
            }
            Frames.Frame end = raw.receive(WAIT);
            assertThat(end.type()).isEqualTo(Frames.TYPE_DATA);
            assertThat(end.flags()).isEqualTo((byte) (Frames.FLAG_REMOTE_CLOSED | Frames.FLAG_NO_DATA));
            assertThat(end.data()).isEmpty();

            // client streaming: request flagged remote-open without payload, data frames, close, response
            byte[] sum = io.jshim.ttrpc.proto.Request.newBuilder().setService("ttrpc.test.v1.Streaming").setMethod("Sum")
                    .build().toByteArray();
            sendFrame(raw, 3, Frames.TYPE_REQUEST, Frames.FLAG_REMOTE_OPEN, sum);
            sendFrame(raw, 3, Frames.TYPE_DATA, (byte) 0, text("20").toByteArray());
            sendFrame(raw, 3, Frames.TYPE_DATA, (byte) 0, text("22").toByteArray());
            sendFrame(raw, 3, Frames.TYPE_DATA, (byte) (Frames.FLAG_REMOTE_CLOSED | Frames.FLAG_NO_DATA), new byte[0]);
            io.jshim.ttrpc.proto.Response response = raw.receiveResponse(3, WAIT);
            assertThat(response.getStatus().getCode()).isZero();
            assertThat(EchoResponse.parseFrom(response.getPayload()).getText()).isEqualTo("42");
        }
    }

    @Test
    void aCloseFrameCarryingDataFailsTheStreamWithInvalidArgumentAsGoTtrpc() throws Exception {
        try (RawConnection raw = RawConnection.open(socket)) {
            byte[] sum = io.jshim.ttrpc.proto.Request.newBuilder().setService("ttrpc.test.v1.Streaming").setMethod("Sum")
                    .build().toByteArray();
            sendFrame(raw, 1, Frames.TYPE_REQUEST, Frames.FLAG_REMOTE_OPEN, sum);
            sendFrame(raw, 1, Frames.TYPE_DATA, (byte) 0, text("20").toByteArray());
            sendFrame(raw, 1, Frames.TYPE_DATA, Frames.FLAG_REMOTE_CLOSED, text("22").toByteArray());

            io.jshim.ttrpc.proto.Response response = raw.receiveResponse(1, WAIT);

            assertThat(response.getStatus().getCode()).isEqualTo(Status.Code.INVALID_ARGUMENT.value());
            assertThat(response.getStatus().getMessage()).isEqualTo("data close message cannot include data");
            // the connection stays usable
            sendFrame(raw, 3, Frames.TYPE_REQUEST, Frames.FLAG_REMOTE_OPEN, sum);
            sendFrame(raw, 3, Frames.TYPE_DATA, (byte) 0, text("1").toByteArray());
            sendFrame(raw, 3, Frames.TYPE_DATA, (byte) (Frames.FLAG_REMOTE_CLOSED | Frames.FLAG_NO_DATA), new byte[0]);
            assertThat(EchoResponse.parseFrom(raw.receiveResponse(3, WAIT).getPayload()).getText()).isEqualTo("1");
        }
    }

    private static void sendFrame(RawConnection raw, int streamId, byte type, byte flags, byte[] data) throws Exception {
        raw.sendBytes(ByteBuffer.allocate(10 + data.length).putInt(data.length).putInt(streamId).put(type).put(flags).put(data).array());
    }
}
