package io.jshim.plugin.taskrunc;

import io.jshim.api.task.v2.ConnectRequest;
import io.jshim.api.task.v2.ConnectResponse;
import io.jshim.api.task.v2.ShutdownRequest;
import io.jshim.framework.plugin.ShutdownService;
import io.jshim.framework.registry.LoadedPlugin;
import io.jshim.ttrpc.BindableService;
import io.jshim.ttrpc.ServiceDefinition;
import io.jshim.ttrpc.Status;
import io.jshim.ttrpc.TtrpcException;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Path;
import java.time.Duration;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** Smoke test: the plugin found by ServiceLoader, its injector built by the registry, started, served, stopped. */
@Timeout(60)
class TaskRuncPluginTest {
    private static final String URI = "io.containerd.ttrpc.v1.task";

    @TempDir
    Path dir;

    @Test
    void loadsThroughTheRegistryAndServesTaskV2AndV3WithTheSameMethods() throws Exception {
        try (TaskShimHarness shim = TaskShimHarness.start(dir)) {
            assertThat(shim.plugins.started()).extracting(LoadedPlugin::uri)
                    .containsSubsequence("io.containerd.internal.v1.shutdown", URI)
                    .containsSubsequence("io.containerd.event.v1.recording", URI);
            List<ServiceDefinition> services = shim.plugins.services().entrySet().stream()
                    .filter(e -> e.getValue().equals(URI)).map(e -> e.getKey()).map(BindableService::bindService)
                    .toList();
            assertThat(services).extracting(ServiceDefinition::name)
                    .containsExactlyInAnyOrder("containerd.task.v2.Task", "containerd.task.v3.Task");
            assertThat(services.get(0).methodNames()).hasSize(17)
                    .containsExactlyElementsOf(services.get(1).methodNames());

            ConnectResponse connect = shim.task.connect(ConnectRequest.newBuilder().setId("c1").build());
            assertThat(connect.getShimPid()).isEqualTo(shim.posix.getpid());
            assertThat(connect.getTaskPid()).isZero();

            var v3State = io.jshim.api.task.v3.TaskTtrpc.METHOD_STATE;
            assertThatThrownBy(() -> shim.client.call(v3State,
                    io.jshim.api.task.v3.StateRequest.newBuilder().setId("nope").build()))
                    .isInstanceOfSatisfying(TtrpcException.class, e -> {
                        assertThat(e.status().code()).isEqualTo(Status.Code.NOT_FOUND);
                        assertThat(e.status().description()).contains("nope");
                    });

            ShutdownService shutdown = shim.plugins.exposed(ShutdownService.class).orElseThrow();
            shim.task.shutdown(ShutdownRequest.getDefaultInstance());
            assertThat(shutdown.isShutdown()).isTrue();
            assertThat(shutdown.awaitDone(Duration.ofSeconds(5))).isTrue();
        }
    }
}
