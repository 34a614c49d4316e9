package io.jshim.framework.registry;

import static java.util.Objects.requireNonNull;

import com.google.inject.CreationException;
import com.google.inject.Guice;
import com.google.inject.Injector;
import com.google.inject.Key;
import com.google.inject.Module;
import com.google.inject.PrivateModule;
import com.google.inject.Stage;
import com.google.inject.TypeLiteral;
import com.google.inject.name.Names;
import io.jshim.framework.PluginException;
import io.jshim.framework.ShimOptions;
import io.jshim.framework.config.ShimConfig;
import io.jshim.framework.plugin.Managed;
import io.jshim.framework.plugin.PluginType;
import io.jshim.framework.plugin.ShimBindings;
import io.jshim.framework.plugin.SkipPluginException;
import io.jshim.ttrpc.BindableService;
import io.jshim.ttrpc.ServerInterceptor;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Initialises plugins in graph order. Each plugin's module is installed in a private module of its own
 * child injector (created after the injectors of the plugins it requires, so its singletons are built
 * after theirs); it sees what earlier plugins exposed and what the framework binds ({@link ShimOptions}
 * and the bootstrap's extra module). Guice runs in {@code Stage.PRODUCTION} with explicit bindings only
 * and no circular proxies.
 *
 * <p>Outcomes per plugin: disabled in config (not loaded; logged at info), skipped (its
 * {@code module()} threw {@link SkipPluginException}, or every plugin of a type it requires was disabled
 * or skipped; logged at info with the reason), started, or a {@link PluginException} that stops start-up.
 */
public final class PluginRegistry {
    private static final Logger log = LoggerFactory.getLogger(PluginRegistry.class);
    private static final TypeLiteral<Set<BindableService>> SERVICES = new TypeLiteral<>() { };
    private static final TypeLiteral<Set<ServerInterceptor>> INTERCEPTORS = new TypeLiteral<>() { };
    private static final TypeLiteral<Set<Managed>> MANAGED = new TypeLiteral<>() { };

    private final List<DiscoveredPlugin> registered;
    private final ShimConfig config;

    /**
     * @param registered every discovered plugin (validated: requirements present, config blocks known,
     *                   settings valid for every enabled plugin)
     * @param config     the configuration ({@code enabled} flags and settings)
     * @throws PluginException when a required type has no plugin, or the graph has a cycle
     * @throws io.jshim.framework.ConfigurationException on invalid settings
     */
    public PluginRegistry(List<DiscoveredPlugin> registered, ShimConfig config) {
        this.registered = List.copyOf(registered);
        this.config = requireNonNull(config, "config is null");
        PluginGraph.checkRequirements(this.registered);
        Set<String> uris = new java.util.TreeSet<>();
        registered.forEach(p -> uris.add(p.uri()));
        config.checkPluginBlocks(uris);
        for (DiscoveredPlugin plugin : ordered()) {
            settingsOf(plugin);
        }
    }

    /** The enabled plugins in initialisation order. */
    public List<DiscoveredPlugin> ordered() {
        return PluginGraph.order(registered, p -> !config.enabled(p.type(), p.id()));
    }

    /** Every discovered plugin, enabled or not, in registration order. */
    public List<DiscoveredPlugin> registered() {
        return registered;
    }

    /** A human-readable table of the graph: order, URI, requires, source, enabled. */
    public String describe() {
        StringBuilder out = new StringBuilder();
        int index = 1;
        for (DiscoveredPlugin plugin : ordered()) {
            out.append(String.format("%2d. %s requires=%s source=%s%n", index++, plugin.uri(),
                    plugin.requires().stream().map(PluginType::name).sorted().toList(), plugin.source()));
        }
        for (DiscoveredPlugin plugin : registered) {
            if (!config.enabled(plugin.type(), plugin.id())) {
                out.append(String.format("    %s disabled (plugins.\"%s\".%s.enabled = false) source=%s%n",
                        plugin.uri(), plugin.type(), plugin.id(), plugin.source()));
            }
        }
        return out.toString();
    }

    /**
     * Initialises and starts the enabled plugins in order.
     *
     * @param options   the shim's options, bound for every plugin and passed in each plugin's context
     * @param framework extra bindings the framework offers every plugin (e.g. the POSIX layer)
     * @throws PluginException naming the plugin that failed; plugins already started are closed first
     */
    public LoadedPlugins start(ShimOptions options, Module framework) {
        Injector root = Guice.createInjector(Stage.PRODUCTION, binder -> {
            binder.requireExplicitBindings();
            binder.disableCircularProxies();
            binder.bind(ShimOptions.class).toInstance(options);
            binder.install(framework);
        });
        Map<String, String> skipped = new LinkedHashMap<>();
        Map<PluginType, List<String>> startedByType = new HashMap<>();
        List<LoadedPlugin> started = new ArrayList<>();
        for (DiscoveredPlugin plugin : registered) {
            if (!config.enabled(plugin.type(), plugin.id())) {
                String reason = "disabled in configuration (plugins.\"" + plugin.type() + "\"." + plugin.id() + ".enabled = false)";
                skipped.put(plugin.uri(), reason);
                log.atInfo().addKeyValue("id", plugin.uri()).addKeyValue("reason", reason).log("plugin disabled");
            }
        }
        Injector parent = root;
        try {
            for (DiscoveredPlugin plugin : ordered()) {
                String missing = unmetRequirement(plugin, startedByType, skipped);
                if (missing != null) {
                    skipped.put(plugin.uri(), missing);
                    log.atInfo().addKeyValue("id", plugin.uri()).addKeyValue("type", plugin.type())
                            .addKeyValue("error", missing).log("skip loading plugin");
                    continue;
                }
                log.atDebug().addKeyValue("id", plugin.uri()).addKeyValue("type", plugin.type()).log("loading plugin");
                DefaultPluginContext context = new DefaultPluginContext(plugin.type(), plugin.id(), options, settingsOf(plugin));
                Module module;
                try {
                    module = requireNonNull(plugin.plugin().module(context), "module() returned null");
                } catch (SkipPluginException e) {
                    skipped.put(plugin.uri(), e.getMessage());
                    log.atInfo().addKeyValue("id", plugin.uri()).addKeyValue("type", plugin.type())
                            .addKeyValue("error", e.getMessage()).log("skip loading plugin");
                    continue;
                } catch (RuntimeException e) {
                    throw new PluginException("failed to load plugin " + plugin + ": " + e.getMessage(), e);
                } catch (LinkageError e) {
                    throw missingClass("load", plugin, e);
                }
                Injector injector;
                try {
                    injector = parent.createChildInjector(wrap(plugin.uri(), module));
                } catch (CreationException | com.google.inject.ConfigurationException e) {
                    throw new PluginException("failed to load plugin " + plugin + ": " + e.getMessage(), e);
                } catch (RuntimeException e) {
                    throw new PluginException("failed to load plugin " + plugin + ": " + e, e);
                } catch (LinkageError e) {
                    throw missingClass("load", plugin, e);
                }
                List<Managed> managed = new ArrayList<>();
                LoadedPlugin loaded = new LoadedPlugin(plugin,
                        List.copyOf(injector.getInstance(Key.get(SERVICES, Names.named(plugin.uri())))),
                        List.copyOf(injector.getInstance(Key.get(INTERCEPTORS, Names.named(plugin.uri())))),
                        managed);
                List<Managed> components = List.copyOf(injector.getInstance(Key.get(MANAGED, Names.named(plugin.uri()))));
                for (Managed component : components) {
                    try {
                        component.start();
                        managed.add(component);
                    } catch (Exception e) {
                        started.add(new LoadedPlugin(plugin, List.of(), List.of(), managed));
                        throw new PluginException("failed to start plugin " + plugin + ": "
                                + component.getClass().getName() + ": " + e.getMessage(), e);
                    } catch (LinkageError e) {
                        started.add(new LoadedPlugin(plugin, List.of(), List.of(), managed));
                        throw missingClass("start", plugin, e);
                    }
                }
                started.add(new LoadedPlugin(plugin, loaded.services(), loaded.interceptors(), managed));
                startedByType.computeIfAbsent(plugin.type(), t -> new ArrayList<>()).add(plugin.uri());
                parent = injector;
                log.atInfo().addKeyValue("id", plugin.uri()).addKeyValue("type", plugin.type())
                        .addKeyValue("services", loaded.services().size()).log("plugin started");
            }
        } catch (PluginException e) {
            try {
                new LoadedPlugins(started, skipped, null).close();
            } catch (PluginException closeFailure) {
                e.addSuppressed(closeFailure);
            }
            throw e;
        }
        return new LoadedPlugins(started, skipped, parent);
    }

    /**
     * A class the plugin needs is missing or incompatible: almost always a plugin jar that does not contain
     * its own dependencies (each jar has its own class loader, which sees only the framework besides it).
     */
    private static PluginException missingClass(String verb, DiscoveredPlugin plugin, LinkageError e) {
        String what = e instanceof NoClassDefFoundError ? "class " + e.getMessage() + " not found"
                : e.getClass().getSimpleName() + ": " + e.getMessage();
        return new PluginException("failed to " + verb + " plugin " + plugin + ": " + what
                + "; a plugin jar must contain its own dependencies besides those of the shim (jshim-framework,"
                + " ttrpc-java, jshim-api, protobuf-java, Guice, Typesafe Config, slf4j)", e);
    }

    private Record settingsOf(DiscoveredPlugin plugin) {
        Class<? extends Record> type = plugin.plugin().settingsType();
        if (type == null) {
            throw new PluginException("invalid plugin " + plugin + ": settingsType() returned null");
        }
        return config.pluginSettings(plugin.type(), plugin.id(), type);
    }

    private static String unmetRequirement(DiscoveredPlugin plugin, Map<PluginType, List<String>> startedByType,
            Map<String, String> skipped) {
        for (PluginType required : plugin.requires()) {
            if (required.equals(PluginGraph.ALL) || startedByType.containsKey(required)) {
                continue;
            }
            List<String> reasons = new ArrayList<>();
            skipped.forEach((uri, reason) -> {
                if (uri.startsWith(required.name() + ".")) {
                    reasons.add(uri + ": " + reason);
                }
            });
            return "required plugin type " + required + " has no started plugin (" + String.join("; ", reasons) + ")";
        }
        return null;
    }

    /** The plugin's module inside a private module exposing its contributions under its URI. */
    private static Module wrap(String uri, Module module) {
        return new PrivateModule() {
            @Override
            protected void configure() {
                install(module);
                // declare the sets so that a plugin contributing nothing still has (empty) ones
                ShimBindings.services(binder());
                ShimBindings.interceptors(binder());
                ShimBindings.managed(binder());
                bind(Key.get(SERVICES, Names.named(uri))).to(Key.get(SERVICES));
                bind(Key.get(INTERCEPTORS, Names.named(uri))).to(Key.get(INTERCEPTORS));
                bind(Key.get(MANAGED, Names.named(uri))).to(Key.get(MANAGED));
                expose(Key.get(SERVICES, Names.named(uri)));
                expose(Key.get(INTERCEPTORS, Names.named(uri)));
                expose(Key.get(MANAGED, Names.named(uri)));
            }
        };
    }
}
