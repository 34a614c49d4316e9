package io.jshim.framework.registry;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.jshim.framework.PluginException;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

/** The golden orders of containerd's plugin registry tests (containerd/plugin plugin_test.go). */
class PluginGraphTest {
    private static final String INTERNAL = "io.containerd.internal.v1";
    private static final String RUNTIME = "io.containerd.runtime.v1";
    private static final String RUNTIME_V2 = "io.containerd.runtime.v2";
    private static final String SERVICE = "io.containerd.service.v1";
    private static final String GRPC = "io.containerd.grpc.v1";
    private static final String SNAPSHOT = "io.containerd.snapshotter.v1";
    private static final String MONITOR = "io.containerd.monitor.v1";
    private static final String DIFF = "io.containerd.differ.v1";
    private static final String METADATA = "io.containerd.metadata.v1";
    private static final String CONTENT = "io.containerd.content.v1";
    private static final String GC = "io.containerd.gc.v1";
    private static final String LEASE = "io.containerd.lease.v1";
    private static final String TRACING = "io.containerd.tracing.processor.v1";

    private final List<DiscoveredPlugin> registry = new ArrayList<>();

    private void register(String type, String id, String... requires) {
        registry.add(TestPlugin.discovered(TestPlugin.of(type, id, requires)));
    }

    private List<String> order() {
        return PluginGraph.order(registry, p -> false).stream().map(DiscoveredPlugin::uri).toList();
    }

    @Test
    void containerdsOwnPluginsComeOutInGoOrder() {
        register(MONITOR, "cgroups");
        register(SERVICE, "tasks-service", RUNTIME, RUNTIME_V2, METADATA, MONITOR);
        register(SERVICE, "introspection-service");
        register(SERVICE, "namespaces-service", METADATA);
        register(GRPC, "namespaces", SERVICE);
        register(GRPC, "content", SERVICE);
        register(GRPC, "containers", SERVICE);
        register(SERVICE, "containers-service", METADATA);
        register(GRPC, "events");
        register(GRPC, "leases", LEASE);
        register(LEASE, "manager", METADATA);
        register(GRPC, "diff", SERVICE);
        register(SERVICE, "diff-service", DIFF);
        register(SERVICE, "snapshots-service", METADATA);
        register(GRPC, "snapshots", SERVICE);
        register(GRPC, "version");
        register(GRPC, "images", SERVICE);
        register(GC, "scheduler", METADATA);
        register(RUNTIME_V2, "task", METADATA);
        register(GRPC, "tasks", SERVICE);
        register(GRPC, "introspection", "*");
        register(SERVICE, "content-service", METADATA);
        register(GRPC, "healthcheck");
        register(INTERNAL, "opt");
        register(GRPC, "cri", SERVICE);
        register(RUNTIME, "linux", METADATA);
        register(INTERNAL, "restart", SERVICE);
        register(DIFF, "walking", METADATA);
        register(SNAPSHOT, "native");
        register(SNAPSHOT, "overlayfs");
        register(CONTENT, "content");
        register(METADATA, "bolt", CONTENT, SNAPSHOT);
        register(TRACING, "otlp");
        register(INTERNAL, "tracing", TRACING);

        assertThat(order()).containsExactly(
                "io.containerd.monitor.v1.cgroups",
                "io.containerd.content.v1.content",
                "io.containerd.snapshotter.v1.native",
                "io.containerd.snapshotter.v1.overlayfs",
                "io.containerd.metadata.v1.bolt",
                "io.containerd.runtime.v1.linux",
                "io.containerd.runtime.v2.task",
                "io.containerd.service.v1.tasks-service",
                "io.containerd.service.v1.introspection-service",
                "io.containerd.service.v1.namespaces-service",
                "io.containerd.service.v1.containers-service",
                "io.containerd.differ.v1.walking",
                "io.containerd.service.v1.diff-service",
                "io.containerd.service.v1.snapshots-service",
                "io.containerd.service.v1.content-service",
                "io.containerd.grpc.v1.namespaces",
                "io.containerd.grpc.v1.content",
                "io.containerd.grpc.v1.containers",
                "io.containerd.grpc.v1.events",
                "io.containerd.lease.v1.manager",
                "io.containerd.grpc.v1.leases",
                "io.containerd.grpc.v1.diff",
                "io.containerd.grpc.v1.snapshots",
                "io.containerd.grpc.v1.version",
                "io.containerd.grpc.v1.images",
                "io.containerd.gc.v1.scheduler",
                "io.containerd.grpc.v1.tasks",
                "io.containerd.grpc.v1.healthcheck",
                "io.containerd.internal.v1.opt",
                "io.containerd.grpc.v1.cri",
                "io.containerd.internal.v1.restart",
                "io.containerd.tracing.processor.v1.otlp",
                "io.containerd.internal.v1.tracing",
                "io.containerd.grpc.v1.introspection");
    }

    @Test
    void requiresAllComesAfterEveryOtherPlugin() {
        register("grpc", "introspection", "*");
        register("service", "container");
        assertThat(order()).containsExactly("service.container", "grpc.introspection");
    }

    @Test
    void requiredTypeComesFirst() {
        register("service", "container", "metadata");
        register("metadata", "bolt");
        assertThat(order()).containsExactly("metadata.bolt", "service.container");
    }

    @Test
    void requiredTypesComeFirstInDeclarationOrder() {
        registry.add(TestPlugin.discovered(new TestPlugin("metadata", "bolt", List.of("content", "snapshotter"),
                ctx -> null, io.jshim.framework.plugin.NoSettings.class)));
        register("snapshotter", "overlayfs");
        register("content", "content");
        assertThat(order()).containsExactly("content.content", "snapshotter.overlayfs", "metadata.bolt");
    }

    @Test
    void disabledPluginIsLeftOut() {
        register("content", "content");
        register("disable", "disable");
        assertThat(PluginGraph.order(registry, p -> p.type().name().equals("disable")))
                .extracting(DiscoveredPlugin::uri).containsExactly("content.content");
    }

    @Test
    void cycleIsAnErrorNamingTheCycle() {
        register("a", "one", "b");
        register("b", "two", "c");
        register("c", "three", "a");
        assertThatThrownBy(this::order).isInstanceOf(PluginException.class)
                .hasMessageContaining("circular dependency a.one -> b.two -> c.three -> a.one");
    }

    @Test
    void requiringOwnTypeOrdersSiblingsWithoutCycle() {
        register("t", "first", "t");
        register("t", "second");
        assertThat(order()).containsExactly("t.second", "t.first");
    }

    @Test
    void missingRequirementNamesPluginAndType() {
        register("io.containerd.ttrpc.v1", "task", "io.containerd.event.v1");
        assertThatThrownBy(() -> PluginGraph.checkRequirements(registry)).isInstanceOf(PluginException.class)
                .hasMessageContaining("io.containerd.ttrpc.v1.task")
                .hasMessageContaining("requires a plugin of type io.containerd.event.v1");
    }

    @Test
    void requiresAllWithOtherTypesIsInvalid() {
        registry.add(TestPlugin.discovered(new TestPlugin("x", "y", List.of("*", "z"), ctx -> null,
                io.jshim.framework.plugin.NoSettings.class)));
        register("z", "z");
        assertThatThrownBy(() -> PluginGraph.checkRequirements(registry)).hasMessageContaining("requires \"*\" with other types");
    }
}
