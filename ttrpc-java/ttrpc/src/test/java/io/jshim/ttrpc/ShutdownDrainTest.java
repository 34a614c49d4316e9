package io.jshim.ttrpc;

import static org.assertj.core.api.Assertions.assertThat;

import io.jshim.ttrpc.test.v1.EchoRequest;
import io.jshim.ttrpc.test.v1.EchoResponse;
import io.jshim.ttrpc.test.v1.EchoTtrpc;
import java.io.ByteArrayOutputStream;
import java.nio.ByteBuffer;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * Once the server shuts down, requests already read or buffered are not dispatched any more: every
 * accepted call is answered or released, no handler starts after {@code shutdown} began, nothing
 * escapes a thread and no reader is left behind. Regression test for the fuzzing finding
 * {@code HandlersRunAfterShutdown}.
 */
@Timeout(value = 60, unit = TimeUnit.SECONDS)
class ShutdownDrainTest {

    private static final Duration WAIT = Duration.ofSeconds(10);
    private static final int QUEUED_CALLS = 10;

    @TempDir
    Path dir;

    private final AtomicInteger handlersStarted = new AtomicInteger();
    private final AtomicInteger handlersStartedAfterShutdownBegan = new AtomicInteger();
    private final List<String> escaped = new CopyOnWriteArrayList<>();
    private volatile boolean shutdownBegan;
    private Thread.UncaughtExceptionHandler previousHandler;
    private TtrpcServer server;
    private Path socket;

    @BeforeEach
    void startServer() throws Exception {
        previousHandler = Thread.getDefaultUncaughtExceptionHandler();
        Thread.setDefaultUncaughtExceptionHandler((thread, failure) -> escaped.add(thread.getName() + ": " + failure));
        ServiceDefinition counting = ServiceDefinition.builder(EchoTtrpc.SERVICE_NAME)
                .addMethod(EchoTtrpc.METHOD_ECHO, request -> {
                    handlersStarted.incrementAndGet();
                    if (shutdownBegan) {
                        handlersStartedAfterShutdownBegan.incrementAndGet();
                    }
                    try {
                        Thread.sleep(request.getSleepMillis());
                    } catch (InterruptedException e) {
                        throw Status.CANCELLED.withDescription("interrupted").asException(e);
                    }
                    return EchoResponse.newBuilder().setText(request.getText()).build();
                })
                .build();
        server = TtrpcServer.builder().addService(counting).maxConcurrentCallsPerConnection(1).build();
        socket = dir.resolve("shutdown.sock");
        server.serve(socket);
    }

    @AfterEach
    void restoreHandler() {
        server.shutdown(Duration.ofSeconds(1));
        Thread.setDefaultUncaughtExceptionHandler(previousHandler);
    }

    /** {@code calls} requests of {@code sleepMillis} each, on streams 1, 3, 5, ..., as one write. */
    private static byte[] queuedRequests(int calls, long sleepMillis, long timeoutNanos) throws Exception {
        ByteArrayOutputStream frames = new ByteArrayOutputStream();
        for (int i = 0; i < calls; i++) {
            int stream = 2 * i + 1;
            byte[] request = io.jshim.ttrpc.proto.Request.newBuilder().setService(EchoTtrpc.SERVICE_NAME).setMethod("Echo")
                    .setTimeoutNano(timeoutNanos)
                    .setPayload(EchoRequest.newBuilder().setText("stream " + stream).setSleepMillis(sleepMillis).build().toByteString())
                    .build().toByteArray();
            frames.write(ByteBuffer.allocate(10).putInt(request.length).putInt(stream).put(Frames.TYPE_REQUEST).put((byte) 0).array());
            frames.write(request);
        }
        return frames.toByteArray();
    }

    private void awaitFirstCallRunning() throws InterruptedException {
        TestSockets.awaitTrue("the first call to run", WAIT, () -> handlersStarted.get() == 1 && server.activeCallCount() == 1);
    }

    @ParameterizedTest(name = "timeout_nano={0}")
    @ValueSource(longs = {0, 10_000_000_000L})
    void forcedShutdownDispatchesNothingBufferedAndLeavesNoThread(long timeoutNanos) throws Exception {
        long readersBefore = TestSockets.threadsNamed(dir, "ttrpc-conn-");
        long callsBefore = TestSockets.threadsNamed(dir, "ttrpc-call-");
        try (RawConnection raw = RawConnection.open(socket)) {
            raw.sendBytes(queuedRequests(QUEUED_CALLS, 1_000, timeoutNanos));
            awaitFirstCallRunning();

            shutdownBegan = true;
            assertThat(server.shutdown(Duration.ofMillis(100))).as("graceful").isFalse();

            assertThat(raw.closedByPeer(WAIT)).isTrue();
            TestSockets.awaitTrue("connection reader and call threads to end", WAIT, () -> {
                try {
                    return TestSockets.threadsNamed(dir, "ttrpc-conn-") <= readersBefore
                            && TestSockets.threadsNamed(dir, "ttrpc-call-") <= callsBefore;
                } catch (java.io.IOException e) {
                    throw new java.io.UncheckedIOException(e);
                }
            });
        }
        Thread.sleep(200); // a handler dispatched late would have started by now
        assertThat(escaped).as("exceptions escaped from threads").isEmpty();
        assertThat(handlersStartedAfterShutdownBegan).as("handlers started after shutdown began").hasValue(0);
        assertThat(handlersStarted).hasValue(1);
        assertThat(server.activeCallCount()).isZero();
        assertThat(server.connectionCount()).isZero();
    }

    @Test
    void gracefulShutdownFinishesRunningCallAndAnswersQueuedOnesUnavailable() throws Exception {
        try (RawConnection raw = RawConnection.open(socket)) {
            raw.sendBytes(queuedRequests(3, 300, 0));
            awaitFirstCallRunning();

            shutdownBegan = true;
            assertThat(server.shutdown(Duration.ofSeconds(5))).as("graceful").isTrue();

            var first = raw.receiveResponse(1, WAIT);
            assertThat(first.getStatus().getCode()).isZero();
            assertThat(EchoResponse.parseFrom(first.getPayload()).getText()).isEqualTo("stream 1");
            List<Frames.Frame> rest = new ArrayList<>();
            while (true) {
                try {
                    rest.add(raw.receive(WAIT));
                } catch (ExecutionException closed) {
                    break;
                }
            }
            assertThat(rest).allSatisfy(frame -> {
                assertThat(frame.streamId()).isIn(3, 5);
                var status = io.jshim.ttrpc.proto.Response.parseFrom(frame.data()).getStatus();
                assertThat(status.getCode()).isEqualTo(Status.Code.UNAVAILABLE.value());
                assertThat(status.getMessage()).contains("shutting down");
            });
        }
        assertThat(handlersStartedAfterShutdownBegan).as("handlers started after shutdown began").hasValue(0);
        assertThat(handlersStarted).hasValue(1);
        assertThat(escaped).isEmpty();
    }
}
