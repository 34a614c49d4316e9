package io.jshim.ttrpc;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.google.protobuf.ByteString;
import io.jshim.ttrpc.test.v1.EchoRequest;
import io.jshim.ttrpc.test.v1.EchoTtrpc;
import java.io.EOFException;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * A frame header a client could not mean (a length far over what is ever skipped, a type a client does
 * not send) closes its connection at once, after answering a request's stream; a well-formed frame
 * modestly over the limit is skipped and answered as Go's server does, and the connection keeps
 * serving. The server's read timeout is far longer than any wait here, so a connection can only close
 * because of the header itself, never because its peer stalled.
 */
@Timeout(value = 60, unit = TimeUnit.SECONDS)
class GarbageHeaderTest {

    private static final Duration WAIT = Duration.ofSeconds(10);
    /** A declared length as seen from a confused peer: far over {@link Frames#MAX_DISCARD_LENGTH}. */
    private static final long GARBAGE_LENGTH = 382_000_000L;
    private static final int SESSIONS = 8;

    @TempDir
    Path dir;

    /** The credentials of every connection in accept order: the bystander's first. */
    private final List<PeerCredentials> peers = new CopyOnWriteArrayList<>();
    private TtrpcServer server;
    private Path socket;
    private TtrpcClient bystander;

    @BeforeEach
    void startServer() throws Exception {
        server = TtrpcServer.builder()
                .addService(new EchoService())
                .readTimeout(Duration.ofHours(1))
                .peerCredentialsCheck(peer -> {
                    PeerCredentialsCheck.sameUser().check(peer);
                    peers.add(peer);
                })
                .build();
        socket = dir.resolve("garbage.sock");
        server.serve(socket);
        bystander = TtrpcClient.connect(socket);
        assertServes(bystander, "before");
    }

    @AfterEach
    void stopServer() throws Exception {
        try {
            assertServes(bystander, "after");
            bystander.close();
            TestSockets.awaitTrue("every connection to close", WAIT, () -> server.connectionCount() == 0);
        } finally {
            assertThat(server.shutdown(Duration.ofSeconds(2))).isTrue();
        }
    }

    private static void assertServes(TtrpcClient client, String text) {
        assertThat(EchoTtrpc.newBlockingStub(client).withDeadline(Duration.ofSeconds(5))
                .echo(EchoRequest.newBuilder().setText(text).build()).getText()).isEqualTo(text);
    }

    private static byte[] request(EchoRequest payload) {
        return io.jshim.ttrpc.proto.Request.newBuilder().setService(EchoTtrpc.SERVICE_NAME).setMethod("Echo")
                .setPayload(payload.toByteString()).build().toByteArray();
    }

    /** Asserts the server closes the connection before sending any (further) frame. */
    private static void assertClosedWithoutAnswer(RawConnection raw) {
        assertThatThrownBy(() -> raw.receive(WAIT)).hasRootCauseInstanceOf(EOFException.class);
    }

    @Test
    void garbageLengthOfRequestsIsAnsweredAndClosedAtOnceWhileOthersAreServed() throws Exception {
        List<CompletableFuture<Void>> sessions = new ArrayList<>();
        for (int i = 0; i < SESSIONS; i++) {
            int streamId = 2 * i + 1;
            sessions.add(CompletableFuture.runAsync(() -> {
                try (RawConnection raw = RawConnection.open(socket)) {
                    raw.sendHeader(GARBAGE_LENGTH, streamId, Frames.TYPE_REQUEST);
                    var status = raw.receiveResponse(streamId, WAIT).getStatus();
                    assertThat(status.getCode()).isEqualTo(Status.Code.RESOURCE_EXHAUSTED.value());
                    assertThat(status.getMessage()).isEqualTo("message length " + GARBAGE_LENGTH
                            + " exceed maximum message size of " + Frames.MAX_DATA_LENGTH);
                    assertThat(raw.closedByPeer(WAIT)).as("connection closed without the client sending more").isTrue();
                } catch (Exception e) {
                    throw new IllegalStateException("garbage session on stream " + streamId + " failed", e);
                }
            }, r -> Thread.ofVirtual().start(r)));
            assertServes(bystander, "during " + i);
        }
        CompletableFuture.allOf(sessions.toArray(CompletableFuture[]::new)).get(WAIT.toMillis(), TimeUnit.MILLISECONDS);
        TestSockets.awaitTrue("only the bystander's connection to remain", WAIT, () -> server.connectionCount() == 1);
    }

    /**
     * Asserts the close of the last connection was logged with this process's pid: read once, by that log, while
     * the connection was open (read now, after the close, it would be unknown, see PeerCredentialsTest).
     */
    private void assertClosingLoggedThisPid() {
        assertThat(peers.getLast().pid()).as("pid read for the log before closing").hasValue(ProcessHandle.current().pid());
    }

    @Test
    void garbageLengthOfDataFrameIsClosedWithoutAnswer() throws Exception {
        try (RawConnection raw = RawConnection.open(socket)) {
            raw.sendHeader(GARBAGE_LENGTH, 1, Frames.TYPE_DATA);
            assertClosedWithoutAnswer(raw);
        }
        assertClosingLoggedThisPid();
    }

    @Test
    void lengthJustOverTheSkipBoundIsGarbage() throws Exception {
        try (RawConnection raw = RawConnection.open(socket)) {
            raw.sendHeader(Frames.MAX_DISCARD_LENGTH + 1, 1, Frames.TYPE_REQUEST);
            assertThat(raw.receiveResponse(1, WAIT).getStatus().getCode()).isEqualTo(Status.Code.RESOURCE_EXHAUSTED.value());
            assertThat(raw.closedByPeer(WAIT)).isTrue();
        }
    }

    @Test
    void unknownFrameTypeIsClosedWithoutWaitingForItsData() throws Exception {
        try (RawConnection raw = RawConnection.open(socket)) {
            raw.sendHeader(100, 1, (byte) 0x7f);
            assertClosedWithoutAnswer(raw);
        }
        try (RawConnection raw = RawConnection.open(socket)) {
            raw.sendHeader(GARBAGE_LENGTH, 1, (byte) 0x7f);
            assertClosedWithoutAnswer(raw);
        }
        assertClosingLoggedThisPid();
    }

    @Test
    void responseFrameFromClientIsClosedWithoutWaitingForItsData() throws Exception {
        try (RawConnection raw = RawConnection.open(socket)) {
            raw.sendHeader(Frames.MAX_DATA_LENGTH + 1, 1, Frames.TYPE_RESPONSE);
            assertClosedWithoutAnswer(raw);
        }
    }

    @Test
    void wellFormedFiveMebibyteRequestIsAnsweredAndTheConnectionKeepsServing() throws Exception {
        byte[] big = request(EchoRequest.newBuilder().setBlob(ByteString.copyFrom(new byte[5 << 20])).build());
        assertThat(big.length).isGreaterThan(Frames.MAX_DATA_LENGTH);
        try (RawConnection raw = RawConnection.open(socket)) {
            raw.send(1, Frames.TYPE_REQUEST, big);
            var status = raw.receiveResponse(1, WAIT).getStatus();
            assertThat(status.getCode()).isEqualTo(Status.Code.RESOURCE_EXHAUSTED.value());
            assertThat(status.getMessage()).isEqualTo("message length " + big.length
                    + " exceed maximum message size of " + Frames.MAX_DATA_LENGTH);
            raw.send(3, Frames.TYPE_REQUEST, request(EchoRequest.newBuilder().setText("next").build()));
            var next = raw.receiveResponse(3, WAIT);
            assertThat(next.getStatus().getCode()).isZero();
            assertThat(io.jshim.ttrpc.test.v1.EchoResponse.parseFrom(next.getPayload()).getText()).isEqualTo("next");
        }
    }

    @Test
    void clientFailsItsConnectionOnAGarbageLengthFromTheServer() throws Exception {
        Path fake = dir.resolve("fake-server.sock");
        try (var listening = java.nio.channels.ServerSocketChannel.open(java.net.StandardProtocolFamily.UNIX)) {
            listening.bind(java.net.UnixDomainSocketAddress.of(fake));
            try (TtrpcClient client = TtrpcClient.connect(fake);
                    var accepted = listening.accept()) {
                CompletableFuture<Throwable> call = CompletableFuture.supplyAsync(() -> {
                    try {
                        EchoTtrpc.newBlockingStub(client).withDeadline(Duration.ofSeconds(30)).echo(EchoRequest.getDefaultInstance());
                        return null;
                    } catch (TtrpcException e) {
                        return e;
                    }
                }, r -> Thread.ofVirtual().start(r));
                java.nio.ByteBuffer header = java.nio.ByteBuffer.allocate(Frames.HEADER_LENGTH);
                while (header.hasRemaining()) {
                    accepted.read(header); // the request's header: the client sent its call
                }
                accepted.write(java.nio.ByteBuffer.allocate(Frames.HEADER_LENGTH)
                        .putInt((int) GARBAGE_LENGTH).putInt(1).put(Frames.TYPE_RESPONSE).put((byte) 0).flip());
                assertThat(call.get(WAIT.toMillis(), TimeUnit.MILLISECONDS)).isInstanceOfSatisfying(TtrpcException.class, e -> {
                    assertThat(e.status().code()).isEqualTo(Status.Code.UNAVAILABLE);
                    assertThat(e.status().description()).contains(String.valueOf(GARBAGE_LENGTH));
                });
                assertThat(client.isClosed()).isTrue();
            }
        }
    }
}
