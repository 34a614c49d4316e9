package io.jshim.framework.registry;

import io.jshim.framework.PluginException;
import io.jshim.framework.plugin.ShimPlugin;
import java.io.IOException;
import java.net.MalformedURLException;
import java.net.URL;
import java.net.URLClassLoader;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.ServiceConfigurationError;
import java.util.ServiceLoader;
import java.util.stream.Stream;

/**
 * Finds {@link ShimPlugin}s with {@link ServiceLoader}: on the class path, and in every {@code *.jar} of
 * the plugins directory, each jar with its own class loader (a child of the framework's, so a jar must
 * bring its own dependencies besides the framework, the API and their libraries). Errors name the jar.
 */
public final class PluginDiscovery {
    private final ClassLoader classPath;
    private final Optional<Path> pluginsDir;
    private final List<ClassLoader> jarLoaders = new ArrayList<>();

    /**
     * @param classPath  the class loader whose class path is scanned
     * @param pluginsDir the directory of extra plugin jars, if any (a missing directory is an error)
     */
    public PluginDiscovery(ClassLoader classPath, Optional<Path> pluginsDir) {
        this.classPath = classPath;
        this.pluginsDir = pluginsDir;
    }

    /** The class loaders created for the plugin jars (to read their {@code reference.conf}). */
    public List<ClassLoader> jarLoaders() {
        return List.copyOf(jarLoaders);
    }

    /**
     * Discovers every plugin, sorted by URI.
     *
     * @throws PluginException on a broken provider, an unreadable jar, or two plugins with the same type
     *     and id (naming both sources)
     */
    public List<DiscoveredPlugin> discover() {
        List<DiscoveredPlugin> found = new ArrayList<>(load(classPath, "class path", null));
        if (pluginsDir.isPresent()) {
            for (Path jar : jars(pluginsDir.get())) {
                URLClassLoader loader = new URLClassLoader("jshim-plugin:" + jar.getFileName(), new URL[] {url(jar)}, classPath);
                jarLoaders.add(loader);
                List<DiscoveredPlugin> inJar = load(loader, jar.toString(), loader);
                if (inJar.isEmpty()) {
                    throw new PluginException("failed to load plugin jar " + jar + ": it declares no "
                            + ShimPlugin.class.getName() + " (META-INF/services/" + ShimPlugin.class.getName()
                            + " is missing or empty); every jar of jshim.plugins-dir " + pluginsDir.get()
                            + " must be a plugin jar containing its own dependencies");
                }
                found.addAll(inJar);
            }
        }
        Map<String, DiscoveredPlugin> byUri = new HashMap<>();
        for (DiscoveredPlugin plugin : found) {
            DiscoveredPlugin previous = byUri.putIfAbsent(plugin.uri(), plugin);
            if (previous != null) {
                throw new PluginException("failed to register plugin " + plugin.uri() + ": registered twice, by "
                        + previous.plugin().getClass().getName() + " from " + previous.source() + " and by "
                        + plugin.plugin().getClass().getName() + " from " + plugin.source());
            }
        }
        found.sort(Comparator.comparing(DiscoveredPlugin::uri));
        return List.copyOf(found);
    }

    /** What was scanned, for the "no plugin found" and debug messages. */
    public String scanned() {
        return "class path" + pluginsDir.map(d -> " and jars in " + d).orElse("");
    }

    private static List<DiscoveredPlugin> load(ClassLoader loader, String source, ClassLoader ownLoader) {
        List<DiscoveredPlugin> result = new ArrayList<>();
        try {
            for (ServiceLoader.Provider<ShimPlugin> provider : ServiceLoader.load(ShimPlugin.class, loader).stream().toList()) {
                // a jar's loader also sees the class path: keep only the jar's own plugins
                if (ownLoader != null && provider.type().getClassLoader() != ownLoader) {
                    continue;
                }
                ShimPlugin plugin;
                try {
                    plugin = provider.get();
                } catch (ServiceConfigurationError e) {
                    throw new PluginException("failed to instantiate plugin " + provider.type().getName() + " from "
                            + source + ": " + message(e), e);
                }
                try {
                    result.add(new DiscoveredPlugin(plugin, source));
                } catch (RuntimeException e) {
                    throw new PluginException("failed to register plugin " + provider.type().getName() + " from "
                            + source + ": " + e.getMessage(), e);
                } catch (LinkageError e) {
                    throw new PluginException("failed to register plugin " + provider.type().getName() + " from "
                            + source + ": " + e + "; a plugin jar must contain its own dependencies", e);
                }
            }
        } catch (ServiceConfigurationError e) {
            throw new PluginException("failed to load plugins from " + source + ": " + message(e), e);
        }
        return result;
    }

    private static String message(Throwable e) {
        return e.getCause() == null ? e.getMessage() : e.getMessage() + ": " + e.getCause();
    }

    private static List<Path> jars(Path dir) {
        if (!Files.isDirectory(dir)) {
            throw new PluginException("failed to scan plugins dir " + dir + ": not a directory (jshim.plugins-dir)");
        }
        try (Stream<Path> files = Files.list(dir)) {
            return files.filter(p -> p.getFileName().toString().endsWith(".jar")).sorted().toList();
        } catch (IOException e) {
            throw new PluginException("failed to scan plugins dir " + dir + ": " + e.getMessage(), e);
        }
    }

    private static URL url(Path jar) {
        try {
            return jar.toUri().toURL();
        } catch (MalformedURLException e) {
            throw new PluginException("failed to load plugin jar " + jar + ": " + e.getMessage(), e);
        }
    }
}
