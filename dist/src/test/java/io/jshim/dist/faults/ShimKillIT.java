package io.jshim.dist.faults;

import static org.assertj.core.api.Assertions.assertThat;

import io.jshim.dist.testing.ShimUnderTest;
import io.jshim.testing.containerd.CtrEvent;
import io.jshim.testing.containerd.CtrEvents;
import io.jshim.testing.containerd.Mounts;
import io.jshim.testing.containerd.PrivateContainerd;
import io.jshim.testing.containerd.ProcessStats;
import io.jshim.testing.containerd.ShimProcess;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * Fault 2: the shim daemon is SIGKILLed. containerd notices the lost connection and runs the shim's
 * {@code delete} action: the container's processes are gone, runc state, mounts and bundle removed, the task is
 * no longer listed, and an exit with status 137 is published.
 */
class ShimKillIT extends FaultBase {

  @BeforeAll
  static void importImage() throws Exception {
    BusyboxImage.importInto(ctr, workDir);
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("shims")
  void killedShimIsCleanedUpByTheDeleteAction(ShimUnderTest shim) throws Exception {
    shim.requireBinary();
    String id = id(shim, "shimkill");
    // from an image, so the rootfs is a snapshotter mount in the bundle that the delete action must unmount
    ctr.ctr(null, Duration.ofSeconds(60), List.of("run", "-d", "--runtime", shim.runtime(), BusyboxImage.NAME, id,
        "/bin/sleep", "600")).orThrow();
    try (CtrEvents events = ctr.events()) {
      long initPid = taskPid(id).orElseThrow();
      ShimProcess daemon = containerd.shims().await(namespace, id, Duration.ofSeconds(10));
      Path bundle = containerd.shims().bundle(namespace, id);
      Path runcState = PrivateContainerd.RUNC_ROOT.resolve(namespace).resolve(id);
      assertThat(runcState).isDirectory();
      assertThat(Mounts.under(bundle)).as("rootfs mounted in %s", bundle).isNotEmpty();

      ProcessHandle.of(daemon.pid()).orElseThrow().destroyForcibly(); // SIGKILL

      CtrEvent exit = events.await(namespace, "/tasks/exit", "\"container_id\":\"" + id + "\"", Duration.ofSeconds(30));
      assertThat(exit.field("exit_status")).contains("137");
      assertThat(exit.field("pid")).contains(Long.toString(initPid));
      assertThat(await(() -> !ProcessStats.isAlive(initPid), Duration.ofSeconds(15))).as("container init %s killed", initPid).isTrue();
      assertThat(await(() -> ctr.taskStatus(id).isEmpty(), Duration.ofSeconds(15))).as("task gone from ctr task ls: %s", ctr.taskLs()).isTrue();
      assertThat(await(() -> !Files.exists(bundle), Duration.ofSeconds(15))).as("bundle %s removed", bundle).isTrue();
      assertThat(Mounts.under(bundle)).isEmpty();
      assertThat(runcState).doesNotExist();
      assertThat(containerd.shims().pids()).doesNotContain(daemon.pid());
      // The dead daemon's socket file stays in /run/containerd/s with both shims (containerd 1.6 removes none);
      // the next start of that group finds it stale (no answer) and replaces it.
      assertThat(containerd.isAlive()).isTrue();
    } finally {
      remove(id);
    }
  }
}
