package io.jshim.ttrpc.fuzz;

import com.code_intelligence.jazzer.junit.FuzzTest;
import io.jshim.ttrpc.Status;
import io.jshim.ttrpc.proto.Response;
import java.util.ArrayDeque;
import java.util.Deque;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;

/**
 * Arbitrary bytes on a real server connection, followed by the client's half-close. The server must
 * answer exactly what {@link DecoderModel} predicts (documented protocol errors as statuses on their
 * stream, violations by closing), close the connection within a bounded time, let no exception escape
 * any of its threads, keep serving another client, and release every connection, descriptor and thread.
 *
 * <p>Seeds: {@code src/test/resources/io/jshim/ttrpc/fuzz/FrameDecoderFuzzTestInputs/bytesFromAPeer/}.
 */
class FrameDecoderFuzzTest {

    private ServerUnderFuzz server;

    @BeforeEach
    void startServer() throws Exception {
        server = ServerUnderFuzz.start();
    }

    @AfterEach
    void checkNoLeakAndStop() throws Exception {
        try {
            server.assertNothingEscaped();
            server.assertBystanderServed();
            server.assertBackToBaseline();
        } finally {
            server.close();
        }
    }

    @FuzzTest(maxDuration = "20s")
    void bytesFromAPeer(byte[] input) throws Exception {
        server.beginExecution();
        List<WireFrame> received;
        try (RawExchange exchange = server.openRaw()) {
            // every other input arrives in pieces of 1 to 16 bytes, so partial headers and data are read too
            exchange.send(input, input.length % 2 == 0 ? input.length : 1 + input.length % 16, true);
            received = exchange.readUntilClosed(ServerUnderFuzz.EXCHANGE_LIMIT);
        }
        checkAgainstModel(DecoderModel.of(input), received);
        server.awaitConnectionsSettled();
        server.assertNothingEscaped();
        server.assertBystanderServed();
    }

    private static void checkAgainstModel(DecoderModel model, List<WireFrame> received) {
        Deque<DecoderModel.Reply> expected = new ArrayDeque<>(model.readerReplies());
        Set<Integer> handlerAnswered = new HashSet<>();
        for (WireFrame frame : received) {
            Response response = ReplyCheck.wellFormed(frame);
            Status.Code code = Status.Code.forNumber(response.getStatus().getCode());
            DecoderModel.Reply next = expected.peekFirst();
            if (next != null && next.streamId() == frame.streamId() && next.code() == code) {
                expected.removeFirst();
            } else if (model.dispatchedStreams().contains(frame.streamId()) && handlerAnswered.add(frame.streamId())) {
                // a handler's answer, sent before the server saw the end of the input
            } else if (!model.exact()) {
                // past the point the model can predict: any well-formed response is acceptable
            } else {
                throw new AssertionError("unexpected reply " + frame + " status " + response.getStatus()
                        + "; expected next " + next + ", handed to handlers " + model.dispatchedStreams());
            }
        }
        if (!expected.isEmpty()) {
            throw new AssertionError("server closed without sending " + expected + "; received " + received);
        }
    }
}
