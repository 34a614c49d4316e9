package io.jshim.plugin.pprofjfr;

import io.jshim.framework.ShimOptions;
import io.jshim.framework.config.ShimConfig;
import io.jshim.framework.registry.LoadedPlugins;
import io.jshim.framework.registry.PluginDiscovery;
import io.jshim.framework.registry.PluginRegistry;
import java.nio.file.Path;
import java.util.Optional;

/** Runs the framework's own discovery, configuration and registry over the test class path, as the shim does. */
final class PluginHarness {
    static final String URI = "io.containerd.debug.v1.pprof-jfr";

    private PluginHarness() {}

    static ShimOptions options(Path bundle, boolean debug, String socket, String debugSocket) {
        return new ShimOptions("default", "task-1", bundle, debug, "/run/containerd/containerd.sock", "", "",
                socket, debugSocket);
    }

    static LoadedPlugins start(ShimOptions options, Optional<Path> configFile) {
        ClassLoader loader = PluginHarness.class.getClassLoader();
        PluginDiscovery discovery = new PluginDiscovery(loader, Optional.empty());
        ShimConfig config = ShimConfig.load(configFile, loader);
        return new PluginRegistry(discovery.discover(), config).start(options, binder -> { });
    }

    /** For the class-loading test: {@code main(bundle, debug, socket)} loads the plugins, prints the outcome, stops. */
    public static void main(String[] args) {
        ShimOptions options = options(Path.of(args[0]), Boolean.parseBoolean(args[1]), args[2], "");
        try (LoadedPlugins loaded = start(options, Optional.empty())) {
            System.out.println("started=" + loaded.started().stream().map(p -> p.uri()).toList());
            System.out.println("skipped=" + loaded.skipped());
        }
    }
}
