package io.jshim.framework.registry;

import io.jshim.framework.ConfigurationException;
import io.jshim.framework.PluginException;
import io.jshim.framework.plugin.Managed;
import io.jshim.ttrpc.BindableService;
import io.jshim.ttrpc.ServerInterceptor;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The started plugins, in start order, and the ones skipped. {@link #close()} closes every started
 * {@link Managed} component in reverse start order, collecting failures.
 */
public final class LoadedPlugins implements AutoCloseable {
    private static final Logger log = LoggerFactory.getLogger(LoadedPlugins.class);

    private final List<LoadedPlugin> started;
    private final Map<String, String> skipped;
    private final com.google.inject.Injector last;
    private boolean closed;

    LoadedPlugins(List<LoadedPlugin> started, Map<String, String> skipped, com.google.inject.Injector last) {
        this.started = List.copyOf(started);
        this.skipped = Map.copyOf(skipped);
        this.last = last;
    }

    /**
     * The instance of {@code type} a started plugin exposed, if any: for the bootstrap only (e.g. the
     * {@link io.jshim.framework.plugin.ShutdownService}); plugin code gets what it needs injected.
     */
    public <T> Optional<T> exposed(Class<T> type) {
        if (last == null) {
            return Optional.empty();
        }
        com.google.inject.Binding<T> binding = last.getExistingBinding(com.google.inject.Key.get(type));
        return binding == null ? Optional.empty() : Optional.of(binding.getProvider().get());
    }

    /** The started plugins in start order. */
    public List<LoadedPlugin> started() {
        return started;
    }

    /** URI of each skipped or disabled plugin, with the reason. */
    public Map<String, String> skipped() {
        return skipped;
    }

    /** The started plugin with this URI. */
    public Optional<LoadedPlugin> find(String uri) {
        return started.stream().filter(p -> p.uri().equals(uri)).findFirst();
    }

    /**
     * Every plugin's TTRPC services, with the URI of the plugin that contributed them.
     */
    public Map<BindableService, String> services() {
        Map<BindableService, String> services = new LinkedHashMap<>();
        for (LoadedPlugin plugin : started) {
            for (BindableService service : plugin.services()) {
                services.put(service, plugin.uri());
            }
        }
        return services;
    }

    /**
     * The server interceptors, outermost first: those of the plugins named in {@code firstUris} in that
     * order, then the others' in plugin start order; each plugin's in its binding order.
     *
     * @throws ConfigurationException when {@code firstUris} names a plugin that is not started
     */
    public List<ServerInterceptor> interceptors(List<String> firstUris) {
        List<ServerInterceptor> ordered = new ArrayList<>();
        for (String uri : firstUris) {
            LoadedPlugin plugin = find(uri).orElseThrow(() -> new ConfigurationException(
                    "invalid configuration: jshim.interceptor-order names plugin " + uri + " which is not started"
                            + " (started: " + started.stream().map(LoadedPlugin::uri).toList() + ")"));
            ordered.addAll(plugin.interceptors());
        }
        for (LoadedPlugin plugin : started) {
            if (!firstUris.contains(plugin.uri())) {
                ordered.addAll(plugin.interceptors());
            }
        }
        return ordered;
    }

    /**
     * Closes every started component in reverse start order; failures are collected.
     *
     * @throws PluginException carrying every close failure as suppressed exceptions
     */
    @Override
    public synchronized void close() {
        if (closed) {
            return;
        }
        closed = true;
        PluginException failure = null;
        for (LoadedPlugin plugin : started.reversed()) {
            for (Managed component : plugin.managed().reversed()) {
                try {
                    component.close();
                    log.atDebug().addKeyValue("plugin", plugin.uri()).addKeyValue("component", component.getClass().getName())
                            .log("closed plugin component");
                } catch (Exception e) {
                    log.atError().addKeyValue("plugin", plugin.uri()).addKeyValue("component", component.getClass().getName())
                            .setCause(e).log("failed to close plugin component");
                    if (failure == null) {
                        failure = new PluginException("failed to close plugins: " + plugin.uri() + ": " + e);
                    }
                    failure.addSuppressed(e);
                }
            }
        }
        if (failure != null) {
            throw failure;
        }
    }
}
