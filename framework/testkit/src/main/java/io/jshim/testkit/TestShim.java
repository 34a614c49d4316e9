package io.jshim.testkit;

import static java.util.Objects.requireNonNull;

import com.google.inject.Module;
import io.jshim.framework.PluginException;
import io.jshim.framework.ShimOptions;
import io.jshim.framework.config.ShimConfig;
import io.jshim.framework.plugin.PluginType;
import io.jshim.framework.plugin.ShimPlugin;
import io.jshim.framework.plugin.ShutdownService;
import io.jshim.framework.registry.DiscoveredPlugin;
import io.jshim.framework.registry.LoadedPlugin;
import io.jshim.framework.registry.LoadedPlugins;
import io.jshim.framework.registry.PluginDiscovery;
import io.jshim.framework.registry.PluginRegistry;
import io.jshim.posix.Posix;
import io.jshim.posix.PosixImplementation;
import io.jshim.posix.ProcessLauncher;
import io.jshim.posix.ProcessReaper;
import io.jshim.ttrpc.ServerInterceptor;
import io.jshim.ttrpc.TtrpcClient;
import io.jshim.ttrpc.TtrpcServer;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.function.Function;
import java.util.stream.Stream;

/**
 * A shim running in the test's JVM, without root and without containerd: a temporary bundle directory,
 * the framework's real plugin discovery, configuration and registry, one real {@link TtrpcServer} on a
 * temporary Unix socket serving every plugin's services behind every plugin's interceptors, and a
 * {@link TtrpcClient} connected to it. The events plugin is replaced by a {@link CapturingPublisher}; the
 * real {@code shutdown} plugin provides the {@link ShutdownService}.
 *
 * <pre>{@code
 * try (TestShim shim = TestShim.builder()
 *         .config(HoconConfig.create().plugin(PluginType.TTRPC, "notes", "max-notes", 2))
 *         .start()) {
 *     NotesTtrpc.NotesBlockingStub notes = NotesTtrpc.newBlockingStub(shim.client());
 *     notes.setNote(...);
 *     assertThat(shim.stateDir(PluginType.TTRPC, "notes")).isDirectoryContaining("glob:**c1");
 *     assertThat(shim.events().events("/notes/set")).hasSize(1);
 * }
 * }</pre>
 *
 * <p>Plugins are found exactly as the shim finds them: {@link java.util.ServiceLoader} on the test's
 * class path (so the plugin under test and its {@code reference.conf} are picked up), plus the jars of
 * {@link Builder#pluginsDir(Path)}, plus the ones given to {@link Builder#plugin(ShimPlugin)}. What
 * differs from the daemon: the process is not a subreaper, the log goes wherever the test's slf4j
 * binding sends it, and the POSIX layer is bound only on request ({@link Builder#withPosix()}).
 *
 * <p>{@link #close()} does what the daemon does on SIGTERM: triggers the shutdown service, stops the
 * server, closes the plugins in reverse start order, waits for the shutdown callbacks, and then deletes
 * the temporary directory.
 */
public final class TestShim implements AutoCloseable {
    /** The URI of the capturing events plugin that replaces the real publisher. */
    public static final String CAPTURING_PUBLISHER_URI = PluginType.EVENT.name() + "." + CapturingPublisherPlugin.ID;

    private static final String REAL_PUBLISHER_ID = "publisher";
    private static final String EXPLICIT_SOURCE = "TestShim.Builder.plugin()";

    private final Path root;
    private final ShimOptions options;
    private final Path configFile;
    private final ShimConfig config;
    private final LoadedPlugins plugins;
    private final TtrpcServer server;
    private final TtrpcClient client;
    private final CapturingPublisher events;
    private final List<AutoCloseable> resources;
    private boolean closed;

    private TestShim(Path root, ShimOptions options, Path configFile, ShimConfig config, LoadedPlugins plugins,
            TtrpcServer server, TtrpcClient client, CapturingPublisher events, List<AutoCloseable> resources) {
        this.root = root;
        this.options = options;
        this.configFile = configFile;
        this.config = config;
        this.plugins = plugins;
        this.server = server;
        this.client = client;
        this.events = events;
        this.resources = resources;
    }

    /** A builder with the defaults: class-path plugins, reference configuration, namespace {@code testkit}. */
    public static Builder builder() {
        return new Builder();
    }

    /** Starts a shim with the defaults; see {@link #builder()}. */
    public static TestShim start() {
        return builder().start();
    }

    /** The options every plugin got (namespace, id, bundle; address, publish binary and TTRPC address empty). */
    public ShimOptions options() {
        return options;
    }

    /** The temporary bundle directory (deleted by {@link #close()}). */
    public Path bundle() {
        return options.bundle();
    }

    /** The Unix socket the shim's TTRPC server listens on. */
    public Path socket() {
        return root.resolve(Builder.SOCKET_NAME);
    }

    /** The operator configuration file the shim read (written from the builder's {@link HoconConfig}). */
    public Path configFile() {
        return configFile;
    }

    /** The effective configuration (operator file over every {@code reference.conf}). */
    public ShimConfig config() {
        return config;
    }

    /** A client connected to {@link #socket()}; closed by {@link #close()}. */
    public TtrpcClient client() {
        return client;
    }

    /** The generated blocking stub of a service on {@link #client()}, e.g. {@code shim.stub(NotesTtrpc::newBlockingStub)}. */
    public <S> S stub(Function<TtrpcClient, S> factory) {
        return factory.apply(client);
    }

    /** Opens another connection to the shim; the caller closes it. */
    public TtrpcClient connect() {
        try {
            return TtrpcClient.connect(socket());
        } catch (IOException e) {
            throw new UncheckedIOException("failed to connect to test shim socket " + socket() + ": " + e.getMessage(), e);
        }
    }

    /** The events plugins published, in order. */
    public CapturingPublisher events() {
        return events;
    }

    /**
     * What a started plugin {@linkplain io.jshim.framework.plugin.ShimBindings#expose exposed}, e.g.
     * {@code shim.exposed(ShutdownService.class)}: what a plugin requiring it would get injected.
     *
     * @throws AssertionError when no started plugin exposes {@code type}
     */
    public <T> T exposed(Class<T> type) {
        return plugins.exposed(type).orElseThrow(() -> new AssertionError("no started plugin exposes "
                + type.getName() + " (started: " + startedPlugins() + ")"));
    }

    /** The state directory of plugin {@code <type>.<id>}: {@code BUNDLE/<type>.<id>} (it may not exist yet). */
    public Path stateDir(PluginType type, String id) {
        return bundle().resolve(type.name() + "." + id);
    }

    /** URIs ({@code <type>.<id>}) of the started plugins, in start order. */
    public List<String> startedPlugins() {
        return plugins.started().stream().map(LoadedPlugin::uri).toList();
    }

    /** URI of every disabled or skipped plugin, with the reason. */
    public Map<String, String> skippedPlugins() {
        return plugins.skipped();
    }

    /**
     * Stops the shim as the daemon does on SIGTERM (bounded by {@code jshim.shutdown-timeout}) and deletes
     * the temporary directory.
     *
     * @throws PluginException when a plugin failed to close, with each failure suppressed
     */
    @Override
    public synchronized void close() {
        if (closed) {
            return;
        }
        closed = true;
        Duration timeout = config.framework().shutdownTimeout();
        Optional<ShutdownService> shutdown = plugins.exposed(ShutdownService.class);
        shutdown.ifPresent(ShutdownService::shutdown);
        client.close();
        server.shutdown(timeout);
        RuntimeException failure = null;
        try {
            plugins.close();
        } catch (RuntimeException e) {
            failure = e;
        }
        try {
            if (shutdown.isPresent() && !shutdown.get().awaitDone(timeout)) {
                failure = addFailure(failure, new PluginException("failed to stop test shim: shutdown callbacks still running after "
                        + timeout.toMillis() + " ms"));
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        failure = closeAll(resources, failure);
        deleteRecursively(root);
        if (failure != null) {
            throw failure;
        }
    }

    private static RuntimeException addFailure(RuntimeException first, RuntimeException next) {
        if (first == null) {
            return next;
        }
        first.addSuppressed(next);
        return first;
    }

    private static RuntimeException closeAll(List<AutoCloseable> resources, RuntimeException failure) {
        for (AutoCloseable resource : resources.reversed()) {
            try {
                resource.close();
            } catch (Exception e) {
                failure = addFailure(failure, new IllegalStateException("failed to close test shim resource "
                        + resource + ": " + e.getMessage(), e));
            }
        }
        return failure;
    }

    static void deleteRecursively(Path dir) {
        if (!Files.exists(dir)) {
            return;
        }
        try (Stream<Path> walk = Files.walk(dir)) {
            for (Path path : walk.sorted(Comparator.reverseOrder()).toList()) {
                Files.deleteIfExists(path);
            }
        } catch (IOException e) {
            throw new UncheckedIOException("failed to delete test shim directory " + dir + ": " + e.getMessage(), e);
        }
    }

    /** Configures and starts a {@link TestShim}. */
    public static final class Builder {
        static final String SOCKET_NAME = "shim.sock";

        private HoconConfig config = HoconConfig.create();
        private String namespace = "testkit";
        private String id = "test";
        private boolean scanClassPath = true;
        private ClassLoader classLoader = TestShim.class.getClassLoader();
        private Path pluginsDir;
        private boolean posix;
        private final List<ShimPlugin> plugins = new ArrayList<>();
        private final List<Module> frameworkModules = new ArrayList<>();

        private Builder() {
        }

        /** The operator configuration (default: empty, i.e. every plugin's {@code reference.conf}). */
        public Builder config(HoconConfig config) {
            this.config = requireNonNull(config, "config is null");
            return this;
        }

        /** The shim's {@code -namespace} (default {@code testkit}). */
        public Builder namespace(String namespace) {
            this.namespace = requireNonNull(namespace, "namespace is null");
            return this;
        }

        /** The shim's {@code -id} (default {@code test}). */
        public Builder id(String id) {
            this.id = requireNonNull(id, "id is null");
            return this;
        }

        /** Adds a plugin instance besides the discovered ones (e.g. a fake another plugin requires). */
        public Builder plugin(ShimPlugin plugin) {
            plugins.add(requireNonNull(plugin, "plugin is null"));
            return this;
        }

        /**
         * Whether the plugins on the class path are loaded (default {@code true}). With {@code false} only
         * the plugins of {@link #plugin(ShimPlugin)}, of the plugins directory and the capturing publisher
         * are.
         */
        public Builder scanClassPath(boolean scan) {
            this.scanClassPath = scan;
            return this;
        }

        /** The class loader whose class path is scanned and whose {@code reference.conf} files are read. */
        public Builder classLoader(ClassLoader loader) {
            this.classLoader = requireNonNull(loader, "loader is null");
            return this;
        }

        /** A directory of plugin jars, loaded as {@code jshim.plugins-dir} is (each jar its own class loader). */
        public Builder pluginsDir(Path dir) {
            this.pluginsDir = requireNonNull(dir, "dir is null");
            return this;
        }

        /**
         * Extra bindings the framework offers every plugin, as the daemon offers {@code Posix},
         * {@code ProcessReaper} and {@code ProcessLauncher}.
         */
        public Builder bind(Module module) {
            frameworkModules.add(requireNonNull(module, "module is null"));
            return this;
        }

        /**
         * Binds {@link Posix} ({@code jshim.posix}), a started {@link ProcessReaper} and a
         * {@link ProcessLauncher} for plugins that spawn processes. The reaper calls {@code waitpid(-1)}:
         * while the shim runs, do not use {@link ProcessBuilder} in the same JVM.
         */
        public Builder withPosix() {
            this.posix = true;
            return this;
        }

        /**
         * Starts the shim.
         *
         * @throws PluginException when a plugin cannot be discovered, ordered or started (as the daemon)
         * @throws io.jshim.framework.ConfigurationException when the configuration is invalid
         */
        public TestShim start() {
            Path root = createRoot();
            List<AutoCloseable> resources = new ArrayList<>();
            LoadedPlugins loaded = null;
            TtrpcServer server = null;
            try {
                Path bundle = Files.createDirectories(root.resolve("bundle"));
                Path socket = root.resolve(SOCKET_NAME);
                Path configFile = root.resolve("jshim.conf");
                HoconConfig operator = pluginsDir == null ? config : config.set("jshim.plugins-dir", pluginsDir.toAbsolutePath());
                operator.writeTo(configFile);
                ShimConfig first = ShimConfig.load(Optional.of(configFile), classLoader);

                PluginDiscovery discovery = new PluginDiscovery(classLoader, pluginsDirOf(first));
                CapturingPublisher events = new CapturingPublisher();
                List<DiscoveredPlugin> all = plugins(discovery.discover(), events);
                if (all.stream().anyMatch(p -> p.type().equals(PluginType.EVENT) && p.id().equals(REAL_PUBLISHER_ID))) {
                    operator = operator.disable(PluginType.EVENT, REAL_PUBLISHER_ID);
                    operator.writeTo(configFile);
                }
                ShimConfig effective = ShimConfig.load(Optional.of(configFile), classLoader)
                        .withReferencesFrom(discovery.jarLoaders());

                ShimOptions options = new ShimOptions(namespace, id, bundle, false, "", "", "", "unix://" + socket, "");
                Module framework = frameworkModule(effective, resources);
                loaded = new PluginRegistry(all, effective).start(options, framework);
                server = server(loaded, effective);
                server.serve(socket);
                TtrpcClient client = TtrpcClient.connect(socket);
                return new TestShim(root, options, configFile, effective, loaded, server, client, events, resources);
            } catch (IOException e) {
                cleanUp(root, resources, loaded, server);
                throw new UncheckedIOException("failed to start test shim in " + root + ": " + e.getMessage(), e);
            } catch (RuntimeException | Error e) {
                cleanUp(root, resources, loaded, server);
                throw e;
            }
        }

        private List<DiscoveredPlugin> plugins(List<DiscoveredPlugin> discovered, CapturingPublisher events) {
            List<DiscoveredPlugin> all = new ArrayList<>();
            for (DiscoveredPlugin plugin : discovered) {
                if (scanClassPath || !plugin.source().equals("class path")) {
                    all.add(plugin);
                }
            }
            for (ShimPlugin plugin : plugins) {
                all.add(new DiscoveredPlugin(plugin, EXPLICIT_SOURCE));
            }
            all.add(new DiscoveredPlugin(new CapturingPublisherPlugin(events), "io.jshim.testkit"));
            Map<String, DiscoveredPlugin> byUri = new HashMap<>();
            for (DiscoveredPlugin plugin : all) {
                DiscoveredPlugin previous = byUri.putIfAbsent(plugin.uri(), plugin);
                if (previous != null) {
                    throw new PluginException("failed to register plugin " + plugin.uri() + ": registered twice, by "
                            + previous.plugin().getClass().getName() + " from " + previous.source() + " and by "
                            + plugin.plugin().getClass().getName() + " from " + plugin.source());
                }
            }
            all.sort(Comparator.comparing(DiscoveredPlugin::uri));
            return all;
        }

        private Module frameworkModule(ShimConfig effective, List<AutoCloseable> resources) {
            List<Module> modules = new ArrayList<>(frameworkModules);
            if (posix) {
                Posix calls = PosixImplementation.fromConfig(effective.framework().posix()).create();
                ProcessReaper reaper = new ProcessReaper(calls);
                reaper.start();
                resources.add(reaper);
                ProcessLauncher launcher = new ProcessLauncher(calls, reaper);
                modules.add(binder -> {
                    binder.bind(Posix.class).toInstance(calls);
                    binder.bind(ProcessReaper.class).toInstance(reaper);
                    binder.bind(ProcessLauncher.class).toInstance(launcher);
                });
            }
            return binder -> modules.forEach(binder::install);
        }

        private static TtrpcServer server(LoadedPlugins loaded, ShimConfig effective) {
            TtrpcServer.Builder builder = TtrpcServer.builder();
            Map<String, String> owners = new HashMap<>();
            loaded.services().forEach((service, uri) -> {
                String name = service.bindService().name();
                String previous = owners.putIfAbsent(name, uri);
                if (previous != null) {
                    throw new PluginException("failed to register TTRPC service " + name + " of plugin " + uri
                            + ": already registered by plugin " + previous);
                }
                builder.addService(service);
            });
            for (ServerInterceptor interceptor : loaded.interceptors(effective.framework().interceptorOrder())) {
                builder.intercept(interceptor);
            }
            return builder.build();
        }

        private static Optional<Path> pluginsDirOf(ShimConfig config) {
            String dir = config.framework().pluginsDir();
            return dir.isBlank() ? Optional.empty() : Optional.of(Path.of(dir));
        }

        private static Path createRoot() {
            try {
                // short, so that the socket path stays far below the 108-byte limit of sun_path
                return Files.createTempDirectory("jshim-test-");
            } catch (IOException e) {
                throw new UncheckedIOException("failed to create test shim directory: " + e.getMessage(), e);
            }
        }

        private static void cleanUp(Path root, List<AutoCloseable> resources, LoadedPlugins loaded, TtrpcServer server) {
            if (server != null) {
                server.shutdown(Duration.ZERO);
            }
            if (loaded != null) {
                try {
                    loaded.close();
                } catch (RuntimeException ignored) {
                    // the start failure is what the test needs to see
                }
            }
            closeAll(resources, null);
            try {
                deleteRecursively(root);
            } catch (UncheckedIOException ignored) {
                // best effort
            }
        }
    }
}
