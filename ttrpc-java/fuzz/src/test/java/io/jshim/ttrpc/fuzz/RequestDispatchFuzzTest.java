package io.jshim.ttrpc.fuzz;

import com.code_intelligence.jazzer.api.FuzzedDataProvider;
import com.code_intelligence.jazzer.junit.FuzzTest;
import io.jshim.ttrpc.proto.Response;
import java.io.ByteArrayOutputStream;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;

/**
 * Well-framed requests with fuzzed {@code ttrpc.Request} fields (service, method, payload, timeout,
 * metadata) and stream ids, several at once on one connection, against a generated service. Each
 * request must get exactly one well-formed response with the status the protocol and the service
 * define (see {@link FuzzedCall#check}); the connection stays open; no exception escapes the server;
 * another client keeps being served; nothing leaks.
 *
 * <p>Seeds: {@code src/test/resources/io/jshim/ttrpc/fuzz/RequestDispatchFuzzTestInputs/requests/}.
 */
class RequestDispatchFuzzTest {

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
    void requests(FuzzedDataProvider data) throws Exception {
        server.beginExecution();
        int count = data.consumeInt(1, 6);
        List<FuzzedCall> calls = new ArrayList<>();
        ByteArrayOutputStream frames = new ByteArrayOutputStream();
        for (int i = 0; i < count; i++) {
            FuzzedCall call = FuzzedCall.from(data, 2 * i + 1);
            calls.add(call);
            frames.write(call.frame().encode());
        }
        Map<Integer, Deque<FuzzedCall>> byStream = new HashMap<>();
        calls.forEach(c -> byStream.computeIfAbsent(c.streamId(), s -> new ArrayDeque<>()).add(c));

        try (RawExchange exchange = server.openRaw()) {
            exchange.send(frames.toByteArray(), false);
            List<WireFrame> replies = exchange.readFrames(calls.size(), ServerUnderFuzz.EXCHANGE_LIMIT);
            for (WireFrame reply : replies) {
                Response response = ReplyCheck.wellFormed(reply);
                Deque<FuzzedCall> waiting = byStream.get(reply.streamId());
                if (waiting == null || waiting.isEmpty()) {
                    throw new AssertionError("reply for a stream without a pending request: " + reply + " " + response.getStatus());
                }
                waiting.removeFirst().check(response);
            }
        }
        server.awaitConnectionsSettled();
        server.assertNothingEscaped();
        server.assertBystanderServed();
    }
}
