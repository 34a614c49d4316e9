package io.jshim.framework.plugin;

/**
 * A plugin component with a lifecycle. Bind it with {@link ShimBindings#managed(com.google.inject.Binder)}.
 *
 * <p>After a plugin's injector is created (its singletons constructed), the framework calls
 * {@link #start()} on each of the plugin's managed components in binding order, plugin after plugin in
 * graph order; it then serves TTRPC. On shutdown it calls {@link #close()} on every started component in
 * reverse start order, collecting failures (one failing close does not prevent the others). Constructors
 * only wire; threads, sockets and files are opened in {@code start()}.
 */
public interface Managed extends AutoCloseable {
    /** Starts the component; an exception aborts the shim's start-up, naming the plugin. */
    default void start() throws Exception {
    }

    /** Stops the component and releases what it holds; called at most once, after a successful start. */
    @Override
    void close() throws Exception;
}
