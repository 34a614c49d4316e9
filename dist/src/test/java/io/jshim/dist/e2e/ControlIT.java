package io.jshim.dist.e2e;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.google.protobuf.Any;
import com.google.protobuf.ByteString;
import io.jshim.api.task.v2.TaskTtrpc;
import io.jshim.api.task.v2.UpdateTaskRequest;
import io.jshim.dist.testing.ShimUnderTest;
import io.jshim.testing.containerd.CommandResult;
import io.jshim.testing.containerd.ContainerRun;
import io.jshim.testing.containerd.ShimProcess;
import io.jshim.ttrpc.TtrpcClient;
import io.jshim.ttrpc.TtrpcException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/** Behaviour 5: pause/resume, ps, metrics, and Update (over TTRPC: ctr 1.6 has no task update). */
class ControlIT extends E2eBase {
  private static final String LINUX_RESOURCES = "types.containerd.io/opencontainers/runtime-spec/1/LinuxResources";

  @ParameterizedTest(name = "{0}")
  @MethodSource("shims")
  void pauseAndResumeShowInTaskList(ShimUnderTest shim) {
    String id = startSleeper(shim, "pause");
    try {
      ctr.pause(id).orThrow();
      assertThat(ctr.taskStatus(id)).contains("PAUSED");
      ctr.resume(id).orThrow();
      assertThat(ctr.taskStatus(id)).contains("RUNNING");
    } finally {
      remove(id);
    }
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("shims")
  void psListsProcessesAndMetricsShowCgroupStats(ShimUnderTest shim) throws Exception {
    shim.requireBinary();
    String id = id(shim, "ps");
    ctr.run(io.jshim.testing.containerd.ContainerRun.of(shim.runtime(), id, "/bin/sh", "-c", "sleep 600 & sleep 601; true")
        .detached()).orThrow();
    try {
      assertThat(await(() -> pids(ctr.ps(id).orThrow()).size() == 3, Duration.ofSeconds(10)))
          .as("ps lists sh and two sleeps: %s", ctr.ps(id)).isTrue();
      CommandResult metrics = ctr.metrics(id).orThrow();
      assertThat(metrics.stdout()).contains("\"pids\"", "\"current\": 3", "\"memory\"", "\"cpu\"", "\"usage\"");
    } finally {
      remove(id);
    }
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("shims")
  void metricsOfAStoppedTaskComeFromItsCgroupUntilItIsDeleted(ShimUnderTest shim) throws Exception {
    shim.requireBinary();
    String id = id(shim, "stopped-metrics");
    ctr.run(ContainerRun.of(shim.runtime(), id, "/bin/true").detached()).orThrow();
    try {
      assertThat(await(() -> ctr.taskStatus(id).filter("STOPPED"::equals).isPresent(), Duration.ofSeconds(10)))
          .as("task %s stops: %s", id, ctr.taskStatus(id)).isTrue();
      CommandResult metrics = ctr.metrics(id);
      assertThat(metrics.exitCode()).as(metrics.toString()).isZero();
      assertThat(metrics.stdout()).as("metrics, not \"no metrics received\"").contains("\"cpu\"", "\"memory\"", "\"usage\"");
    } finally {
      remove(id);
    }
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("shims")
  void updateSetsNewMemoryLimitInCgroup(ShimUnderTest shim) throws Exception {
    String id = startSleeper(shim, "update", "--memory-limit", Long.toString(256L << 20));
    try {
      long pid = Long.parseLong(ctr.taskLs().stdout().lines().filter(l -> l.startsWith(id + " ")).findFirst()
          .orElseThrow().split("\\s+")[1]);
      Path limitFile = memoryCgroup(pid).resolve("memory.limit_in_bytes");
      assertThat(Files.readString(limitFile).strip()).isEqualTo(Long.toString(256L << 20));
      ShimProcess daemon = containerd.shims().await(namespace, id, Duration.ofSeconds(10));
      long newLimit = 64L << 20;
      try (TtrpcClient client = TtrpcClient.connect(daemon.socket())) {
        TaskTtrpc.TaskBlockingStub task = TaskTtrpc.newBlockingStub(client);
        task.update(UpdateTaskRequest.newBuilder().setId(id).setResources(Any.newBuilder().setTypeUrl(LINUX_RESOURCES)
            .setValue(ByteString.copyFrom("{\"memory\":{\"limit\":" + newLimit + "}}", StandardCharsets.UTF_8))).build());
        assertThat(Files.readString(limitFile).strip()).isEqualTo(Long.toString(newLimit));
        assertThatThrownBy(() -> task.update(UpdateTaskRequest.newBuilder().setId("no-such-task")
            .setResources(Any.newBuilder().setTypeUrl(LINUX_RESOURCES).setValue(ByteString.copyFromUtf8("{}"))).build()))
            .isInstanceOf(TtrpcException.class);
      }
    } finally {
      remove(id);
    }
  }

  private static List<String> pids(CommandResult ps) {
    return ps.stdout().lines().skip(1).map(String::strip).filter(l -> !l.isEmpty()).toList();
  }

  private static Path memoryCgroup(long pid) throws Exception {
    String path = Files.readAllLines(Path.of("/proc", Long.toString(pid), "cgroup")).stream()
        .map(line -> line.split(":", 3))
        .filter(fields -> List.of(fields[1].split(",")).contains("memory"))
        .map(fields -> fields[2])
        .findFirst().orElseThrow(() -> new AssertionError("no v1 memory cgroup for pid " + pid));
    return Path.of("/sys/fs/cgroup/memory" + path);
  }
}
