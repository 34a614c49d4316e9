package io.jshim.plugin.taskrunc;

import com.google.protobuf.Any;
import com.google.protobuf.ByteString;
import io.jshim.api.ContainerdAny;
import io.jshim.api.cgroups.v1.Metrics;
import io.jshim.api.events.TaskExit;
import io.jshim.api.task.v2.CreateTaskRequest;
import io.jshim.api.task.v2.DeleteRequest;
import io.jshim.api.task.v2.DeleteResponse;
import io.jshim.api.task.v2.KillRequest;
import io.jshim.api.task.v2.PauseRequest;
import io.jshim.api.task.v2.PidsRequest;
import io.jshim.api.task.v2.ResumeRequest;
import io.jshim.api.task.v2.StartRequest;
import io.jshim.api.task.v2.StateRequest;
import io.jshim.api.task.v2.StatsRequest;
import io.jshim.api.task.v2.UpdateTaskRequest;
import io.jshim.api.task.v2.WaitRequest;
import io.jshim.api.v1.types.Status;
import io.jshim.framework.DeleteRecord;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.UUID;
import java.util.concurrent.TimeUnit;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Stats, Update, Pause/Resume, Pids and Kill on a running runc container in its own cgroup, on this host's
 * cgroup layout (v1 controllers, possibly with the unified hierarchy mounted beside them).
 */
@Timeout(value = 120, unit = TimeUnit.SECONDS)
class RuncTaskControlTest {
    private static final Path MEMORY = Path.of("/sys/fs/cgroup/memory");
    private static final Path CPU = Path.of("/sys/fs/cgroup/cpu");

    @TempDir
    Path dir;
    private TaskShimHarness shim;
    private final String cgroup = "jshim-test-" + UUID.randomUUID().toString().substring(0, 8);
    private int pid;

    @BeforeEach
    void startSleeper() throws IOException {
        shim = TaskShimHarness.start(dir);
        TestBundle bundle = TestBundle.create(dir.resolve("b"), "sleep", "600").cgroupsPath("/" + cgroup);
        pid = shim.task.create(CreateTaskRequest.newBuilder().setId("c1").setBundle(bundle.dir.toString()).build())
                .getPid();
        shim.task.start(StartRequest.newBuilder().setId("c1").build());
    }

    @AfterEach
    void stop() throws IOException {
        try {
            shim.task.kill(KillRequest.newBuilder().setId("c1").setSignal(9).build());
        } catch (RuntimeException alreadyGone) {
            // the test killed it
        }
        try {
            shim.task.wait(WaitRequest.newBuilder().setId("c1").build());
            DeleteResponse deleted = shim.task.delete(DeleteRequest.newBuilder().setId("c1").build());
            // what the shim binary's `delete` action answers from now on, without cleaning up again
            DeleteResponse recorded = DeleteResponse.parseFrom(
                    Files.readAllBytes(dir.resolve("b").resolve(DeleteRecord.FILE_NAME)));
            assertThat(recorded.getPid()).isEqualTo(pid);
            assertThat(recorded.getExitStatus()).isEqualTo(deleted.getExitStatus());
            assertThat(recorded.getExitedAt()).isEqualTo(deleted.getExitedAt());
        } finally {
            shim.close();
        }
        assertThat(MEMORY.resolve(cgroup)).as("runc delete removes the container's cgroup").doesNotExist();
    }

    @Test
    void statsReadTheContainersCgroupV1Metrics() throws Exception {
        Any any = shim.task.stats(StatsRequest.newBuilder().setId("c1").build()).getStats();

        assertThat(any.getTypeUrl()).isEqualTo("io.containerd.cgroups.v1.Metrics");
        Metrics metrics = ContainerdAny.unpack(any, Metrics.class);
        long usage = Long.parseLong(read(MEMORY.resolve(cgroup).resolve("memory.usage_in_bytes")));
        assertThat(metrics.getMemory().getUsage().getUsage()).isPositive().isLessThanOrEqualTo(usage * 4);
        assertThat(metrics.getPids().getCurrent()).isEqualTo(1);
        assertThat(metrics.getCpu().getUsage().getTotal()).isPositive();
    }

    @Test
    void statsOfAnExitedContainerStillReadItsCgroupUntilItIsDeleted() throws Exception {
        shim.task.kill(KillRequest.newBuilder().setId("c1").setSignal(9).build());
        shim.task.wait(WaitRequest.newBuilder().setId("c1").build());
        assertThat(MEMORY.resolve(cgroup)).as("runc keeps the cgroup until delete").exists();

        Any any = shim.task.stats(StatsRequest.newBuilder().setId("c1").build()).getStats();

        assertThat(any.getTypeUrl()).isEqualTo("io.containerd.cgroups.v1.Metrics");
        assertThat(ContainerdAny.unpack(any, Metrics.class).getPids().getCurrent()).isZero();
    }

    @Test
    void updateWritesTheResourcesThroughRuncIntoTheCgroup() throws Exception {
        String resources = "{\"memory\":{\"limit\":67108864},\"cpu\":{\"shares\":512}}";
        shim.task.update(UpdateTaskRequest.newBuilder().setId("c1").setResources(Any.newBuilder()
                .setTypeUrl(ContainerdAny.OCI_LINUX_RESOURCES_TYPE_URL)
                .setValue(ByteString.copyFrom(resources, StandardCharsets.UTF_8))).build());

        assertThat(read(MEMORY.resolve(cgroup).resolve("memory.limit_in_bytes"))).isEqualTo("67108864");
        assertThat(read(CPU.resolve(cgroup).resolve("cpu.shares"))).isEqualTo("512");
    }

    @Test
    void pauseResumePidsAndKillWithExitStatus() throws Exception {
        shim.task.pause(PauseRequest.newBuilder().setId("c1").build());
        assertThat(shim.task.state(StateRequest.newBuilder().setId("c1").build()).getStatus()).isEqualTo(Status.PAUSED);
        assertThat(read(Path.of("/sys/fs/cgroup/freezer", cgroup, "freezer.state"))).isEqualTo("FROZEN");
        shim.task.resume(ResumeRequest.newBuilder().setId("c1").build());
        assertThat(shim.task.state(StateRequest.newBuilder().setId("c1").build()).getStatus()).isEqualTo(Status.RUNNING);

        assertThat(shim.task.pids(PidsRequest.newBuilder().setId("c1").build()).getProcessesList())
                .extracting(p -> p.getPid()).containsExactly(pid);

        // sleep is pid 1 of its namespace: only SIGKILL ends it
        shim.task.kill(KillRequest.newBuilder().setId("c1").setSignal(9).build());
        assertThat(shim.task.wait(WaitRequest.newBuilder().setId("c1").build()).getExitStatus()).isEqualTo(137);
        assertThat(shim.events.await("/tasks/exit", TaskExit.class, Duration.ofSeconds(10)).getExitStatus())
                .isEqualTo(137);
        assertThat(shim.events.topics()).containsExactly("/tasks/create", "/tasks/start", "/tasks/paused",
                "/tasks/resumed", "/tasks/exit");
        assertThat(shim.task.state(StateRequest.newBuilder().setId("c1").build()).getStatus()).isEqualTo(Status.STOPPED);
    }

    @Test
    void runtimeOptionsInTheBundleAreReadableByRootOnlyAsTheGoShimWritesThem() throws Exception {
        assertThat(java.nio.file.attribute.PosixFilePermissions.toString(
                Files.getPosixFilePermissions(dir.resolve("b").resolve("options.json")))).isEqualTo("rw-------");
    }

    private static String read(Path file) throws IOException {
        return Files.readString(file).strip();
    }
}
