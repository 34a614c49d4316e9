package io.jshim.framework.plugin;

import static java.util.Objects.requireNonNull;

import com.google.inject.Binder;
import com.google.inject.Key;
import com.google.inject.PrivateBinder;
import com.google.inject.multibindings.Multibinder;
import io.jshim.ttrpc.BindableService;
import io.jshim.ttrpc.ServerInterceptor;

/**
 * How a plugin's module contributes to the shim. Call these from {@code configure()} with {@code binder()}.
 *
 * <pre>{@code
 * ShimBindings.services(binder()).addBinding().to(TaskService.class);        // served on the shim socket
 * ShimBindings.interceptors(binder()).addBinding().to(AuditInterceptor.class);
 * ShimBindings.managed(binder()).addBinding().to(ExitWatcher.class);        // start()/close()
 * ShimBindings.expose(binder(), Publisher.class);                          // visible to later plugins
 * }</pre>
 *
 * <p>All TTRPC services of all plugins are registered on one server on the shim socket; a service name
 * registered twice is a start-up error naming both plugins. Interceptors wrap every call of every
 * service: plugins' interceptors are chained in plugin start order (or the order configured in
 * {@code jshim.ttrpc.interceptor-order}), a plugin's own in binding order, the first being outermost.
 */
public final class ShimBindings {
    private ShimBindings() {
    }

    /** The plugin's TTRPC services (a Guice multibinder private to the plugin). */
    public static Multibinder<BindableService> services(Binder binder) {
        return Multibinder.newSetBinder(requireNonNull(binder, "binder is null"), BindableService.class);
    }

    /** The plugin's unary server interceptors, in binding order (a multibinder private to the plugin). */
    public static Multibinder<ServerInterceptor> interceptors(Binder binder) {
        return Multibinder.newSetBinder(requireNonNull(binder, "binder is null"), ServerInterceptor.class);
    }

    /** The plugin's lifecycle components, started in binding order and closed in reverse. */
    public static Multibinder<Managed> managed(Binder binder) {
        return Multibinder.newSetBinder(requireNonNull(binder, "binder is null"), Managed.class);
    }

    /** Makes the plugin's binding of {@code type} visible to the plugins started after it. */
    public static <T> void expose(Binder binder, Class<T> type) {
        expose(binder, Key.get(type));
    }

    /**
     * Makes the plugin's binding of {@code key} visible to the plugins started after it.
     *
     * @throws IllegalStateException when the module is not installed by the jshim registry (which wraps
     *     every plugin module in a private module); in tests use {@code PluginTesting}
     */
    public static <T> void expose(Binder binder, Key<T> key) {
        requireNonNull(binder, "binder is null");
        requireNonNull(key, "key is null");
        if (!(binder instanceof PrivateBinder privateBinder)) {
            throw new IllegalStateException("failed to expose " + key
                    + ": the plugin module is not installed by the jshim plugin registry (no private binder)");
        }
        privateBinder.expose(key);
    }
}
