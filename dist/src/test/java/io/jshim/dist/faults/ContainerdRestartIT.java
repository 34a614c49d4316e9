package io.jshim.dist.faults;

import static org.assertj.core.api.Assertions.assertThat;

import io.jshim.dist.testing.ShimUnderTest;
import io.jshim.testing.containerd.CommandResult;
import io.jshim.testing.containerd.CtrEvent;
import io.jshim.testing.containerd.CtrEvents;
import io.jshim.testing.containerd.ProcessStats;
import io.jshim.testing.containerd.ShimProcess;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * Fault 1: containerd restarts while a container runs. The container and its shim keep running; the new
 * containerd reconnects through the bundle's {@code address} file; exec, kill (exit reported) and delete work.
 */
class ContainerdRestartIT extends FaultBase {

  @ParameterizedTest(name = "{0}")
  @MethodSource("shims")
  void containersSurviveAndAreServedAfterContainerdRestart(ShimUnderTest shim) throws Exception {
    String id = startSleeper(shim, "restart");
    try {
      long initPid = taskPid(id).orElseThrow();
      ShimProcess daemon = containerd.shims().await(namespace, id, Duration.ofSeconds(10));
      Path addressFile = containerd.shims().bundle(namespace, id).resolve("address");
      assertThat(Files.readString(addressFile).strip()).isEqualTo("unix://" + daemon.socket());
      long oldContainerd = containerd.pid();

      containerd.restart();

      assertThat(containerd.pid()).isNotEqualTo(oldContainerd);
      assertThat(ProcessStats.isAlive(initPid)).as("container init %s survives", initPid).isTrue();
      assertThat(daemon.isAlive()).as("shim %s survives", daemon.pid()).isTrue();
      assertThat(ctr.taskStatus(id)).contains("RUNNING");
      assertThat(taskPid(id)).contains(initPid);

      CommandResult exec = ctr.exec(id, "after-restart", "/bin/echo", "served after restart");
      assertThat(exec.exitCode()).as(exec.toString()).isZero();
      assertThat(exec.stdout()).isEqualTo("served after restart\n");

      try (CtrEvents events = ctr.events()) {
        ctr.kill(id, "SIGKILL", false).orThrow();
        CtrEvent exit = events.await(namespace, "/tasks/exit", "\"container_id\":\"" + id + "\"", Duration.ofSeconds(20));
        assertThat(exit.field("exit_status")).contains("137");
        assertThat(exit.field("pid")).contains(Long.toString(initPid));
      }
      assertThat(ctr.taskStatus(id)).contains("STOPPED");
      ctr.deleteTask(id).orThrow();
      ctr.deleteContainer(id).orThrow();
      assertThat(ctr.taskStatus(id)).isEmpty();
      assertThat(await(() -> !daemon.isAlive(), Duration.ofSeconds(15))).as("shim %s exits after the last delete", daemon.pid()).isTrue();
      assertThat(ProcessStats.isAlive(initPid)).isFalse();
    } finally {
      remove(id);
    }
  }
}
