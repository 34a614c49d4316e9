package io.jshim.plugin.shutdown;

import static java.util.Objects.requireNonNull;

import io.jshim.framework.plugin.Managed;
import io.jshim.framework.plugin.ShutdownService;
import jakarta.inject.Inject;
import java.time.Duration;
import java.util.ArrayDeque;
import java.util.Deque;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The shutdown service: callbacks run once, on one virtual thread, in reverse registration order, after the
 * first {@link #shutdown()}; a failing callback is logged and the others still run. Closing the plugin
 * (the framework does it after the server stopped) triggers shutdown too, so callbacks always run.
 */
final class DefaultShutdownService implements ShutdownService, Managed {
    private static final Logger log = LoggerFactory.getLogger(DefaultShutdownService.class);

    private final Object lock = new Object();
    /** Guarded by {@link #lock}. */
    private final Deque<Callback> callbacks = new ArrayDeque<>();
    /** Guarded by {@link #lock}. */
    private boolean triggered;
    private final CountDownLatch triggeredLatch = new CountDownLatch(1);
    private final CountDownLatch done = new CountDownLatch(1);

    @Inject
    DefaultShutdownService() {
    }

    @Override
    public void register(Callback callback) {
        requireNonNull(callback, "callback is null");
        synchronized (lock) {
            if (!triggered) {
                callbacks.push(callback);
                return;
            }
        }
        run(callback);
    }

    @Override
    public void shutdown() {
        synchronized (lock) {
            if (triggered) {
                return;
            }
            triggered = true;
        }
        log.info("shutdown requested");
        triggeredLatch.countDown();
        Thread.ofVirtual().name("shutdown-callbacks").start(this::runCallbacks);
    }

    private void runCallbacks() {
        try {
            while (true) {
                Callback next;
                synchronized (lock) {
                    next = callbacks.poll();
                }
                if (next == null) {
                    return;
                }
                run(next);
            }
        } finally {
            done.countDown();
        }
    }

    private static void run(Callback callback) {
        try {
            callback.run();
        } catch (Exception e) {
            log.atError().setCause(e).addKeyValue("callback", callback.getClass().getName()).log("shutdown callback failed");
        }
    }

    @Override
    public boolean isShutdown() {
        synchronized (lock) {
            return triggered;
        }
    }

    @Override
    public void awaitShutdown() throws InterruptedException {
        triggeredLatch.await();
    }

    @Override
    public boolean awaitDone(Duration timeout) throws InterruptedException {
        return done.await(timeout.toNanos(), TimeUnit.NANOSECONDS);
    }

    /** Closing the plugin triggers shutdown (idempotent), so registered callbacks always run. */
    @Override
    public void close() {
        shutdown();
    }
}
