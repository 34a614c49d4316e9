package io.jshim.dist.faults;

import static org.assertj.core.api.Assertions.assertThat;

import static org.junit.jupiter.api.Assumptions.assumeTrue;

import io.jshim.dist.testing.ShimUnderTest;
import io.jshim.dist.testing.HostProcess;
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
import java.util.Map;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * Fault 2: the shim daemon is SIGKILLed. containerd notices the lost connection and runs the shim's
 * {@code delete} action: the container's processes are gone, runc state, mounts and bundle removed, the task is
 * no longer listed, and an exit with status 137 is published.
 */
class ShimKillIT extends FaultBase {
  /** containerd's share of one CPU while the shim is killed on a loaded node. */
  static final int THROTTLE_PERCENT = 10;

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

  /**
   * Issue 15: the shim is SIGKILLed while the node is loaded (one CPU-bound process per CPU) and containerd itself
   * runs CPU-throttled ({@value #THROTTLE_PERCENT}% of a CPU), so the {@code delete} it spawns is throttled too and
   * containerd 1.6 still kills it after 5 s. The cleanup must not depend on how fast a JVM starts: the container's
   * processes are gone, its runc state and mounts removed, {@code ctr task ls} clean, and the exit (137) published
   * exactly once. Outcomes only: how long the delete took is not asserted.
   */
  @ParameterizedTest(name = "{0}")
  @MethodSource("shims")
  void killedShimOnALoadedThrottledNodeIsStillCleanedUp(ShimUnderTest shim) throws Exception {
    shim.requireBinary();
    assumeTrue(LoadedNode.available(), "no cgroup v1 cpu controller with CFS quotas on this host");
    String id = id(shim, "loadedkill");
    ctr.ctr(null, Duration.ofSeconds(60), List.of("run", "-d", "--runtime", shim.runtime(), BusyboxImage.NAME, id,
        "/bin/sleep", "600")).orThrow();
    long initPid = taskPid(id).orElseThrow();
    Path bundle = containerd.shims().bundle(namespace, id);
    Path runcState = PrivateContainerd.RUNC_ROOT.resolve(namespace).resolve(id);
    try (CtrEvents events = ctr.events()) {
      ShimProcess daemon = containerd.shims().await(namespace, id, Duration.ofSeconds(10));
      assertThat(Mounts.under(bundle)).as("rootfs mounted in %s", bundle).isNotEmpty();
      try (LoadedNode loaded = LoadedNode.throttle(containerd.pid(), THROTTLE_PERCENT)) {
        ProcessHandle.of(daemon.pid()).orElseThrow().destroyForcibly(); // SIGKILL

        assertThat(await(() -> !ProcessStats.isAlive(initPid), Duration.ofSeconds(60)))
            .as("container init %s killed (containerd's log: %s)", initPid, lastLines(containerd.log())).isTrue();
        assertThat(await(() -> ctr.taskStatus(id).isEmpty(), Duration.ofSeconds(60)))
            .as("task gone from ctr task ls: %s", ctr.taskLs()).isTrue();
      }
      assertThat(await(() -> !Files.exists(bundle), Duration.ofSeconds(30))).as("bundle %s removed", bundle).isTrue();
      assertThat(Mounts.under(bundle)).isEmpty();
      assertThat(runcState).doesNotExist();
      // an event published after the cleanup: every exit event of the task has been delivered before it
      String barrier = id + "-barrier";
      ctr.ctr("container", "create", BusyboxImage.NAME, barrier, "/bin/true").orThrow();
      ctr.deleteContainer(barrier);
      events.await(namespace, "/containers/delete", "\"id\":\"" + barrier + "\"", Duration.ofSeconds(30));
      List<CtrEvent> exits = events.events(namespace).stream()
          .filter(e -> e.topic().equals("/tasks/exit") && e.json().contains("\"container_id\":\"" + id + "\"")).toList();
      assertThat(exits).as("exit events of %s", id).hasSize(1);
      assertThat(exits.getFirst().field("exit_status")).contains("137");
      assertThat(exits.getFirst().field("pid")).contains(Long.toString(initPid));
      assertThat(containerd.isAlive()).isTrue();
    } finally {
      if (ProcessStats.isAlive(initPid)) {
        // the old behaviour: the delete was killed and the container runs on with no shim
        HostProcess.run(List.of("runc", "--root", runcState.getParent().toString(), "delete", "--force", id),
            Path.of("/"), Map.of(), Duration.ofSeconds(30));
      }
      Mounts.unmountAll(bundle);
      remove(id);
    }
  }

  private static String lastLines(String log) {
    List<String> lines = log.lines().toList();
    return String.join("\n", lines.subList(Math.max(0, lines.size() - 15), lines.size()));
  }
}
