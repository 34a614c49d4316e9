package io.jshim.ttrpc.fuzz;

import static org.assertj.core.api.Assertions.assertThat;

import io.jshim.ttrpc.TtrpcClient;
import io.jshim.ttrpc.TtrpcServer;
import io.jshim.ttrpc.fuzz.v1.EchoRequest;
import io.jshim.ttrpc.fuzz.v1.TargetTtrpc;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Comparator;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.function.BooleanSupplier;
import java.util.stream.Stream;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A real {@link TtrpcServer} serving {@link TargetService} on a Unix socket in a temporary directory,
 * with short read and write timeouts, a bystander client that must keep being served, a record of
 * every exception escaping any thread, and leak checks against a baseline taken after warm-up.
 */
final class ServerUnderFuzz implements AutoCloseable {

    private static final Logger log = LoggerFactory.getLogger(ServerUnderFuzz.class);

    /** The server's read and write timeouts: a stalled peer is dropped after this. */
    static final Duration SERVER_TIMEOUT = Duration.ofMillis(500);
    /** How long one exchange may take before it counts as a hang (generous: the build machine is shared). */
    static final Duration EXCHANGE_LIMIT = Duration.ofSeconds(10);
    /**
     * How long the first call may take: it loads and instruments (Jazzer) the classes of both sides,
     * which took more than 5 s on the loaded build machine.
     */
    static final Duration WARM_UP_LIMIT = Duration.ofSeconds(60);
    /** How long the process may take to release what a finished exchange held. */
    static final Duration SETTLE_LIMIT = Duration.ofSeconds(10);

    private final Path dir;
    private final Path socket;
    private final TtrpcServer server;
    private final TtrpcClient bystander;
    private final ScheduledExecutorService timers = Executors.newSingleThreadScheduledExecutor(
            Thread.ofVirtual().name("fuzz-timer").factory());
    private final List<Throwable> escaped = new CopyOnWriteArrayList<>();
    private final Thread.UncaughtExceptionHandler previousHandler;
    private ResourceCensus baseline;
    private long bystanderCalls;
    private long executions;

    private ServerUnderFuzz(Path dir) throws IOException {
        this.dir = dir;
        this.socket = dir.resolve("fuzz.sock");
        previousHandler = Thread.getDefaultUncaughtExceptionHandler();
        Thread.setDefaultUncaughtExceptionHandler((thread, failure) -> escaped.add(
                new AssertionError("exception escaped thread " + thread.getName() + ": " + failure, failure)));
        server = TtrpcServer.builder()
                .addService(new TargetService())
                .readTimeout(SERVER_TIMEOUT)
                .writeTimeout(SERVER_TIMEOUT)
                .build();
        server.serve(socket);
        bystander = TtrpcClient.connect(socket);
    }

    static ServerUnderFuzz start() throws Exception {
        ServerUnderFuzz fixture = new ServerUnderFuzz(Files.createTempDirectory("ttrpc-fuzz-"));
        try {
            fixture.assertBystanderServed(WARM_UP_LIMIT);
            // warm up a raw connection too, so pollers and class loading are part of the baseline
            try (RawExchange warmUp = fixture.openRaw()) {
                warmUp.send(new byte[0], true);
                warmUp.readUntilClosed(WARM_UP_LIMIT);
            }
            fixture.awaitConnectionsSettled();
            return fixture;
        } catch (Exception | Error e) {
            try {
                fixture.close();
            } catch (Exception | Error suppressed) {
                e.addSuppressed(suppressed);
            }
            throw e;
        }
    }

    RawExchange openRaw() throws IOException {
        return RawExchange.open(socket, timers);
    }

    /**
     * Called at the start of every fuzz input: counts them and takes the leak baseline at the first
     * (when the fuzzer's own threads already run).
     */
    void beginExecution() throws IOException {
        if (executions++ == 0) {
            baseline = ResourceCensus.take(dir);
        }
    }

    /** Fails when any thread of the process died of an uncaught exception since the start. */
    void assertNothingEscaped() {
        if (!escaped.isEmpty()) {
            AssertionError error = new AssertionError(escaped.size() + " exception(s) escaped server threads; first: "
                    + escaped.getFirst().getMessage(), escaped.getFirst());
            escaped.clear();
            throw error;
        }
    }

    /** The bystander client's call must succeed: other clients are still served. */
    void assertBystanderServed() {
        assertBystanderServed(EXCHANGE_LIMIT);
    }

    private void assertBystanderServed(Duration limit) {
        String text = "bystander-" + bystanderCalls++;
        assertThat(TargetTtrpc.newBlockingStub(bystander).withDeadline(limit)
                .echo(EchoRequest.newBuilder().setText(text).build()).getText())
                .as("echo of the bystander client")
                .isEqualTo(text);
    }

    /** Waits until only the bystander's connection is open and no call runs on it. */
    void awaitConnectionsSettled() throws InterruptedException {
        await("connections back to the bystander's only", SETTLE_LIMIT,
                () -> server.connectionCount() == 1 && server.activeCallCount() == 0);
    }

    /** Waits until connections, fds, platform threads and the server's virtual threads are back to the baseline. */
    void assertBackToBaseline() throws Exception {
        bystander.close();
        await("connections and calls to end", SETTLE_LIMIT, () -> server.connectionCount() == 0 && server.activeCallCount() == 0);
        ResourceCensus reference = baseline != null ? baseline : ResourceCensus.take(dir);
        long end = System.nanoTime() + SETTLE_LIMIT.toNanos();
        ResourceCensus now = ResourceCensus.take(dir);
        while (!now.withinBaseline(reference)) {
            if (System.nanoTime() - end > 0) {
                throw new AssertionError("resources not back to baseline within " + SETTLE_LIMIT.toMillis()
                        + "ms: baseline " + reference + " now " + now);
            }
            Thread.sleep(50);
            now = ResourceCensus.take(dir);
        }
        log.info("fuzz run checked executions={} baseline=\"{}\" after=\"{}\"", executions, reference.summary(), now.summary());
    }

    private static void await(String what, Duration limit, BooleanSupplier condition) throws InterruptedException {
        long start = System.nanoTime();
        while (!condition.getAsBoolean()) {
            long waited = System.nanoTime() - start;
            if (waited > limit.toNanos()) {
                throw new AssertionError("timed out after " + limit.toMillis() + "ms waiting for " + what);
            }
            if (waited < 2_000_000) {
                Thread.yield(); // usually settles within microseconds: do not sleep a whole millisecond
            } else {
                Thread.sleep(1);
            }
        }
    }

    @Override
    public void close() throws IOException {
        try {
            bystander.close();
            assertThat(server.shutdown(Duration.ofSeconds(2))).as("graceful shutdown of the fuzzed server").isTrue();
        } finally {
            timers.shutdownNow();
            Thread.setDefaultUncaughtExceptionHandler(previousHandler);
            try (Stream<Path> files = Files.walk(dir)) {
                for (Path p : files.sorted(Comparator.reverseOrder()).toList()) {
                    Files.deleteIfExists(p);
                }
            }
        }
    }
}
