package io.jshim.framework.registry;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.google.inject.AbstractModule;
import com.google.inject.Module;
import com.google.inject.Singleton;
import io.jshim.framework.ConfigurationException;
import io.jshim.framework.PluginException;
import io.jshim.framework.ShimOptions;
import io.jshim.framework.config.ShimConfig;
import io.jshim.framework.plugin.Managed;
import io.jshim.framework.plugin.Publisher;
import io.jshim.framework.plugin.ShimBindings;
import io.jshim.framework.plugin.SkipPluginException;
import io.jshim.ttrpc.BindableService;
import io.jshim.ttrpc.ServerInterceptor;
import jakarta.inject.Inject;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.CopyOnWriteArrayList;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class PluginRegistryTest {
    @TempDir
    Path bundle;

    private final List<String> events = new CopyOnWriteArrayList<>();

    private ShimOptions options() {
        return new ShimOptions("ns", "task1", bundle, false, "/run/containerd/containerd.sock", "", "", "", "");
    }

    private ShimConfig config(String hocon) throws Exception {
        Path file = bundle.resolve("jshim.conf");
        Files.writeString(file, hocon);
        return ShimConfig.load(Optional.of(file), getClass().getClassLoader());
    }

    private static DiscoveredPlugin d(TestPlugin plugin) {
        return TestPlugin.discovered(plugin);
    }

    /** A managed component recording its start and close. */
    final class Recorder implements Managed {
        private final String name;

        Recorder(String name) {
            this.name = name;
            events.add("construct " + name);
        }

        @Override
        public void start() {
            events.add("start " + name);
        }

        @Override
        public void close() {
            events.add("close " + name);
        }
    }

    private Module recording(String name) {
        return new AbstractModule() {
            @Override
            protected void configure() {
                ShimBindings.managed(binder()).addBinding().toInstance(new Recorder(name));
            }
        };
    }

    @Test
    void startsInGraphOrderAndClosesInReverse() throws Exception {
        List<DiscoveredPlugin> plugins = List.of(
                d(TestPlugin.of("io.containerd.ttrpc.v1", "task", ctx -> recording("task"), "io.containerd.event.v1", "io.containerd.internal.v1")),
                d(TestPlugin.of("io.containerd.event.v1", "publisher", ctx -> recording("publisher"))),
                d(TestPlugin.of("io.containerd.internal.v1", "shutdown", ctx -> recording("shutdown"))));
        PluginRegistry registry = new PluginRegistry(plugins, config(""));
        assertThat(registry.ordered()).extracting(DiscoveredPlugin::uri).containsExactly(
                "io.containerd.event.v1.publisher", "io.containerd.internal.v1.shutdown", "io.containerd.ttrpc.v1.task");
        try (LoadedPlugins loaded = registry.start(options(), binder -> { })) {
            assertThat(loaded.started()).extracting(LoadedPlugin::uri).containsExactly(
                    "io.containerd.event.v1.publisher", "io.containerd.internal.v1.shutdown", "io.containerd.ttrpc.v1.task");
        }
        assertThat(events).containsExactly("construct publisher", "start publisher", "construct shutdown",
                "start shutdown", "construct task", "start task", "close task", "close shutdown", "close publisher");
    }

    static final class RecordingPublisher implements Publisher {
        final List<String> topics = new ArrayList<>();

        @Override
        public void publish(String topic, com.google.protobuf.Message event) {
            topics.add(topic);
        }
    }

    static final class TaskService implements BindableService {
        final Publisher publisher;
        final ShimOptions options;

        @Inject
        TaskService(Publisher publisher, ShimOptions options) {
            this.publisher = publisher;
            this.options = options;
        }

        @Override
        public io.jshim.ttrpc.ServiceDefinition bindService() {
            throw new UnsupportedOperationException();
        }
    }

    private static Module exposingPublisher(RecordingPublisher publisher) {
        return new AbstractModule() {
            @Override
            protected void configure() {
                bind(Publisher.class).toInstance(publisher);
                ShimBindings.expose(binder(), Publisher.class);
            }
        };
    }

    private static final Module TASK_MODULE = new AbstractModule() {
        @Override
        protected void configure() {
            bind(TaskService.class).in(Singleton.class);
            ShimBindings.services(binder()).addBinding().to(TaskService.class);
        }
    };

    @Test
    void exposedServiceReachesTheRequiringPlugin() throws Exception {
        RecordingPublisher publisher = new RecordingPublisher();
        List<DiscoveredPlugin> plugins = List.of(
                d(TestPlugin.of("io.containerd.ttrpc.v1", "task", ctx -> TASK_MODULE, "io.containerd.event.v1")),
                d(TestPlugin.of("io.containerd.event.v1", "publisher", ctx -> exposingPublisher(publisher))));
        try (LoadedPlugins loaded = new PluginRegistry(plugins, config("")).start(options(), binder -> { })) {
            TaskService task = (TaskService) loaded.services().keySet().iterator().next();
            assertThat(task.publisher).isSameAs(publisher);
            assertThat(task.options.namespace()).isEqualTo("ns");
            assertThat(loaded.services()).containsValue("io.containerd.ttrpc.v1.task");
        }
    }

    @Test
    void privateBindingsDoNotLeakAndTwoPluginsCannotExposeTheSameKey() throws Exception {
        List<DiscoveredPlugin> clobbering = List.of(
                d(TestPlugin.of("io.containerd.event.v1", "a", ctx -> exposingPublisher(new RecordingPublisher()))),
                d(TestPlugin.of("io.containerd.event.v1", "b", ctx -> exposingPublisher(new RecordingPublisher()))));
        assertThatThrownBy(() -> new PluginRegistry(clobbering, config("")).start(options(), binder -> { }))
                .isInstanceOf(PluginException.class)
                .hasMessageContaining("io.containerd.event.v1.b")
                .hasMessageContaining("Publisher");

        Module unexposed = new AbstractModule() {
            @Override
            protected void configure() {
                bind(Publisher.class).toInstance(new RecordingPublisher());
            }
        };
        List<DiscoveredPlugin> leaking = List.of(
                d(TestPlugin.of("io.containerd.event.v1", "a", ctx -> unexposed)),
                d(TestPlugin.of("io.containerd.ttrpc.v1", "task", ctx -> TASK_MODULE, "io.containerd.event.v1")));
        assertThatThrownBy(() -> new PluginRegistry(leaking, config("")).start(options(), binder -> { }))
                .isInstanceOf(PluginException.class)
                .hasMessageContaining("failed to load plugin io.containerd.ttrpc.v1.task")
                .hasMessageContaining("Publisher");
    }

    @Test
    void skippedPluginIsLoggedAndItsDependentsSkipped() throws Exception {
        List<DiscoveredPlugin> plugins = List.of(
                d(TestPlugin.of("io.containerd.event.v1", "publisher", ctx -> {
                    throw new SkipPluginException("no events socket");
                })),
                d(TestPlugin.of("io.containerd.ttrpc.v1", "task", ctx -> recording("task"), "io.containerd.event.v1")),
                d(TestPlugin.of("io.containerd.internal.v1", "shutdown", ctx -> recording("shutdown"))));
        try (LoadedPlugins loaded = new PluginRegistry(plugins, config("")).start(options(), binder -> { })) {
            assertThat(loaded.started()).extracting(LoadedPlugin::uri).containsExactly("io.containerd.internal.v1.shutdown");
            assertThat(loaded.skipped()).containsEntry("io.containerd.event.v1.publisher", "no events socket");
            assertThat(loaded.skipped().get("io.containerd.ttrpc.v1.task"))
                    .contains("io.containerd.event.v1.publisher: no events socket");
        }
        assertThat(events).doesNotContain("construct task");
    }

    @Test
    void disabledPluginIsNotLoadedAndDependentsNameIt() throws Exception {
        List<DiscoveredPlugin> plugins = List.of(
                d(TestPlugin.of("io.containerd.event.v1", "publisher", ctx -> {
                    events.add("module publisher");
                    return recording("publisher");
                })),
                d(TestPlugin.of("io.containerd.ttrpc.v1", "task", ctx -> recording("task"), "io.containerd.event.v1")));
        ShimConfig config = config("plugins.\"io.containerd.event.v1\".publisher.enabled = false\n");
        PluginRegistry registry = new PluginRegistry(plugins, config);
        assertThat(registry.describe()).contains("io.containerd.event.v1.publisher disabled");
        try (LoadedPlugins loaded = registry.start(options(), binder -> { })) {
            assertThat(loaded.started()).isEmpty();
            assertThat(loaded.skipped().get("io.containerd.ttrpc.v1.task"))
                    .contains("io.containerd.event.v1.publisher: disabled in configuration");
        }
        assertThat(events).isEmpty();
    }

    @Test
    void stateDirIsBundleTypeDotIdCreatedOnDemandPrivate() throws Exception {
        List<Path> dirs = new ArrayList<>();
        List<DiscoveredPlugin> plugins = List.of(d(TestPlugin.of("io.containerd.ttrpc.v1", "task", ctx -> {
            assertThat(bundle.resolve("io.containerd.ttrpc.v1.task")).doesNotExist();
            dirs.add(ctx.stateDir());
            return new AbstractModule() { };
        })));
        try (LoadedPlugins loaded = new PluginRegistry(plugins, config("")).start(options(), binder -> { })) {
            assertThat(dirs).containsExactly(bundle.resolve("io.containerd.ttrpc.v1.task"));
            assertThat(dirs.getFirst()).isDirectory();
            assertThat(PosixFilePermissions.toString(Files.getPosixFilePermissions(dirs.getFirst()))).isEqualTo("rwx------");
        }
    }

    private static Module interceptors(String... names) {
        return new AbstractModule() {
            @Override
            protected void configure() {
                for (String name : names) {
                    ShimBindings.interceptors(binder()).addBinding().toInstance(new Named(name));
                }
            }
        };
    }

    record Named(String name) implements ServerInterceptor {
        @Override
        public com.google.protobuf.MessageLite interceptUnary(io.jshim.ttrpc.RequestContext context,
                com.google.protobuf.MessageLite request, Next next) throws Exception {
            return next.proceed(request);
        }
    }

    @Test
    void interceptorsFollowStartOrderUnlessConfigured() throws Exception {
        List<DiscoveredPlugin> plugins = List.of(
                d(TestPlugin.of("a", "first", ctx -> interceptors("a1", "a2"))),
                d(TestPlugin.of("b", "second", ctx -> interceptors("b1"), "a")),
                d(TestPlugin.of("c", "third", ctx -> interceptors("c1"), "b")));
        try (LoadedPlugins loaded = new PluginRegistry(plugins, config("")).start(options(), binder -> { })) {
            assertThat(loaded.interceptors(List.of())).extracting(i -> ((Named) i).name()).containsExactly("a1", "a2", "b1", "c1");
            assertThat(loaded.interceptors(List.of("c.third", "b.second")))
                    .extracting(i -> ((Named) i).name()).containsExactly("c1", "b1", "a1", "a2");
            assertThatThrownBy(() -> loaded.interceptors(List.of("c.thrid"))).isInstanceOf(ConfigurationException.class)
                    .hasMessageContaining("c.thrid");
        }
    }

    @Test
    void closeFailuresAreCollectedAndEveryComponentClosed() throws Exception {
        Module failing = new AbstractModule() {
            @Override
            protected void configure() {
                ShimBindings.managed(binder()).addBinding().toInstance(() -> {
                    throw new IllegalStateException("boom b");
                });
            }
        };
        List<DiscoveredPlugin> plugins = List.of(
                d(TestPlugin.of("a", "a", ctx -> recording("a"))),
                d(TestPlugin.of("b", "b", ctx -> failing, "a")),
                d(TestPlugin.of("c", "c", ctx -> recording("c"), "b")));
        LoadedPlugins loaded = new PluginRegistry(plugins, config("")).start(options(), binder -> { });
        assertThatThrownBy(loaded::close).isInstanceOf(PluginException.class).hasMessageContaining("b.b")
                .satisfies(e -> assertThat(e.getSuppressed()).hasSize(1));
        assertThat(events).containsSubsequence("close c", "close a");
    }

    @Test
    void startFailureClosesWhatStartedAndNamesThePlugin() throws Exception {
        Module failing = new AbstractModule() {
            @Override
            protected void configure() {
                ShimBindings.managed(binder()).addBinding().toInstance(new Managed() {
                    @Override
                    public void start() {
                        throw new IllegalStateException("socket busy");
                    }

                    @Override
                    public void close() {
                        events.add("close never-started");
                    }
                });
            }
        };
        List<DiscoveredPlugin> plugins = List.of(
                d(TestPlugin.of("a", "a", ctx -> recording("a"))),
                d(TestPlugin.of("b", "b", ctx -> failing, "a")));
        assertThatThrownBy(() -> new PluginRegistry(plugins, config("")).start(options(), binder -> { }))
                .isInstanceOf(PluginException.class).hasMessageContaining("failed to start plugin b.b")
                .hasMessageContaining("socket busy");
        assertThat(events).containsExactly("construct a", "start a", "close a");
    }

    static final class NeedsUnbound {
        @Inject
        NeedsUnbound(RecordingPublisher publisher) {
        }
    }

    @Test
    void explicitBindingsAreRequired() throws Exception {
        Module module = new AbstractModule() {
            @Override
            protected void configure() {
                bind(NeedsUnbound.class).in(Singleton.class);
            }
        };
        List<DiscoveredPlugin> plugins = List.of(d(TestPlugin.of("a", "a", ctx -> module)));
        assertThatThrownBy(() -> new PluginRegistry(plugins, config("")).start(options(), binder -> { }))
                .isInstanceOf(PluginException.class).hasMessageContaining("failed to load plugin a.a")
                .hasMessageContaining("RecordingPublisher");
    }
}
