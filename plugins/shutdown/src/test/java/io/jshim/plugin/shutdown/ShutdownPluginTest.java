package io.jshim.plugin.shutdown;

import static org.assertj.core.api.Assertions.assertThat;

import io.jshim.framework.ShimOptions;
import io.jshim.framework.config.ShimConfig;
import io.jshim.framework.plugin.ShutdownService;
import io.jshim.framework.registry.LoadedPlugins;
import io.jshim.framework.registry.PluginDiscovery;
import io.jshim.framework.registry.PluginRegistry;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.CopyOnWriteArrayList;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

@Timeout(30)
class ShutdownPluginTest {
    @TempDir
    Path bundle;

    private LoadedPlugins load() {
        var discovery = new PluginDiscovery(getClass().getClassLoader(), Optional.empty());
        var registry = new PluginRegistry(discovery.discover(), ShimConfig.load(Optional.empty(), getClass().getClassLoader()));
        return registry.start(new ShimOptions("ns", "id", bundle, false, "", "", "", "", ""), binder -> { });
    }

    @Test
    void loadsThroughServiceLoaderAndRunsCallbacksInReverseOnce() throws Exception {
        try (LoadedPlugins plugins = load()) {
            assertThat(plugins.started()).extracting(p -> p.uri()).containsExactly("io.containerd.internal.v1.shutdown");
            ShutdownService shutdown = plugins.exposed(ShutdownService.class).orElseThrow();
            List<String> ran = new CopyOnWriteArrayList<>();
            shutdown.register(() -> ran.add("first"));
            shutdown.register(() -> {
                throw new IllegalStateException("failing callback");
            });
            shutdown.register(() -> ran.add("third"));
            assertThat(shutdown.isShutdown()).isFalse();
            assertThat(shutdown.awaitDone(Duration.ofMillis(50))).isFalse();

            shutdown.shutdown();
            shutdown.shutdown();
            shutdown.awaitShutdown();
            assertThat(shutdown.awaitDone(Duration.ofSeconds(5))).isTrue();
            assertThat(ran).containsExactly("third", "first");

            shutdown.register(() -> ran.add("late"));
            assertThat(ran).containsExactly("third", "first", "late");
        }
    }

    @Test
    void closingThePluginTriggersShutdown() throws Exception {
        LoadedPlugins plugins = load();
        ShutdownService shutdown = plugins.exposed(ShutdownService.class).orElseThrow();
        List<String> ran = new CopyOnWriteArrayList<>();
        shutdown.register(() -> ran.add("cleanup"));
        plugins.close();
        assertThat(shutdown.awaitDone(Duration.ofSeconds(5))).isTrue();
        assertThat(ran).containsExactly("cleanup");
    }
}
