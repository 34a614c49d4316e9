package io.jshim.framework.plugin;

import java.time.Duration;

/**
 * The shim's shutdown coordinator (the Go shim's {@code shutdown.Service}). Implemented by the shutdown
 * plugin (type {@link PluginType#INTERNAL}, id {@code shutdown}), which {@linkplain ShimBindings#expose
 * exposes} it. The Task service calls {@link #shutdown()} from its {@code Shutdown} RPC; the framework
 * calls it on SIGTERM/SIGINT and waits for it to trigger before stopping the server and closing plugins.
 */
public interface ShutdownService {
    /** A callback run once when shutdown is triggered. */
    @FunctionalInterface
    interface Callback {
        /** Releases what the registering component holds; exceptions are logged and collected. */
        void run() throws Exception;
    }

    /**
     * Registers a callback. Callbacks run once, on one thread, in reverse registration order, after
     * {@link #shutdown()} is first called; a callback registered after that runs immediately.
     */
    void register(Callback callback);

    /** Triggers shutdown; idempotent and non-blocking (callbacks run on another thread). */
    void shutdown();

    /** Whether {@link #shutdown()} has been called. */
    boolean isShutdown();

    /** Blocks until {@link #shutdown()} is called. */
    void awaitShutdown() throws InterruptedException;

    /**
     * Waits until every callback has finished after shutdown was triggered.
     *
     * @return {@code true} when done, {@code false} when the timeout elapsed first
     */
    boolean awaitDone(Duration timeout) throws InterruptedException;
}
