package io.jshim.framework.plugin;

import com.google.inject.Module;
import java.util.Set;

/**
 * A shim plugin: a small descriptor found with {@link java.util.ServiceLoader} (list the implementation in
 * {@code META-INF/services/io.jshim.framework.plugin.ShimPlugin}) on the class path or in a jar of the
 * plugins directory. It is the Java form of containerd's {@code plugin.Registration}.
 *
 * <p>The registry reads {@link #type()}, {@link #id()}, {@link #requires()} and {@link #settingsType()}
 * of every plugin and orders them as a graph over types before any plugin code runs: every plugin of a
 * required type is initialised first. Then, in that order, it calls {@link #module(PluginContext)} and
 * creates the plugin's injector (Guice {@code Stage.PRODUCTION}, explicit bindings only, no circular
 * proxies), so the plugin's singletons are constructed after those of the plugins it requires.
 *
 * <p>The returned module is installed inside a private module owned by the framework: its bindings are
 * private to the plugin unless it {@linkplain ShimBindings#expose exposes} them, so plugins cannot clobber
 * one another's bindings (exposing a key another plugin already exposed is a start-up error naming the
 * key). A plugin may inject what the plugins it requires exposed, and what the framework binds for every
 * plugin: {@link io.jshim.framework.ShimOptions}. It contributes through {@link ShimBindings}:
 * TTRPC services, server interceptors and {@link Managed} components.
 *
 * <p>Implementations need a public no-argument constructor and must be cheap to construct: no I/O before
 * {@code module()}, and {@code module()} only reads the context and builds the module.
 *
 * <pre>{@code
 * public final class GreeterPlugin implements ShimPlugin {
 *     public PluginType type() { return PluginType.TTRPC; }
 *     public String id() { return "greeter"; }
 *     public Set<PluginType> requires() { return Set.of(PluginType.EVENT); }
 *     public Class<GreeterSettings> settingsType() { return GreeterSettings.class; }
 *     public Module module(PluginContext ctx) {
 *         GreeterSettings settings = ctx.settings(GreeterSettings.class);
 *         return new AbstractModule() {
 *             protected void configure() {
 *                 bind(GreeterSettings.class).toInstance(settings);
 *                 bind(GreeterService.class).in(Singleton.class);   // its constructor takes a Publisher
 *                 ShimBindings.services(binder()).addBinding().to(GreeterService.class);
 *             }
 *         };
 *     }
 * }
 * }</pre>
 */
public interface ShimPlugin {
    /** The plugin's type, e.g. {@link PluginType#TTRPC}. */
    PluginType type();

    /** The plugin's id, unique within its type, e.g. {@code task}; letters, digits, '-', '_' and '.'. */
    String id();

    /**
     * The types this plugin requires: every enabled plugin of these types is initialised before this one.
     * A required type with no plugin at all is a start-up error naming both sides; a required type whose
     * plugins were all skipped or disabled skips this plugin too (logged with the reason).
     */
    default Set<PluginType> requires() {
        return Set.of();
    }

    /**
     * The record the plugin's HOCON block {@code plugins."<type>".<id>} maps onto. Record component
     * {@code queueCapacity} reads key {@code queue-capacity}; supported component types are
     * {@code String}, {@code boolean}, {@code int}, {@code long}, {@code double}, {@code Duration},
     * {@code java.nio.file.Path}, enums, {@code List<String>} and nested records. Defaults belong in the
     * plugin jar's {@code reference.conf}; every component needs a value.
     */
    default Class<? extends Record> settingsType() {
        return NoSettings.class;
    }

    /**
     * Builds the plugin's Guice module. Only binds: constructing services, opening files or sockets happens
     * in constructors of singletons and in {@link Managed#start()}.
     *
     * @throws SkipPluginException when the plugin does not apply here (logged at info; not an error)
     */
    Module module(PluginContext context) throws SkipPluginException;
}
