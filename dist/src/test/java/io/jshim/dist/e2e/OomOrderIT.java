package io.jshim.dist.e2e;

import static org.assertj.core.api.Assertions.assertThat;

import io.jshim.dist.testing.ShimUnderTest;
import io.jshim.testing.containerd.ContainerRun;
import io.jshim.testing.containerd.CtrEvent;
import io.jshim.testing.containerd.CtrEvents;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * OOM kills and their events under a real containerd, several containers at once, several rounds: issue 15 item 3
 * ({@code /tasks/oom} before the {@code /tasks/exit} of an exit an OOM kill caused, by design) and issue 12 item 7
 * (an OOM in a container's first milliseconds is reported, exactly once). Whether a container was OOM-killed is
 * read from its cgroup's {@code oom_kill} counter (v1 {@code memory.oom_control}, v2 {@code memory.events}) after
 * its exit, before its task is deleted. The assertions are jrunc's (beyond Go: the Go shim starts watching after
 * {@code runc start} and publishes its OOM and exit events independently); the Go shim's counts are printed.
 */
@Timeout(600)
class OomOrderIT extends E2eBase {
  private static final long LIMIT = 16L << 20;
  private static final Duration EVENT_BOUND = Duration.ofSeconds(60);

  @ParameterizedTest(name = "{0}")
  @MethodSource("shims")
  void oomIsPublishedBeforeTheExitItCaused(ShimUnderTest shim) throws Exception {
    shim.requireBinary();
    List<Outcome> outcomes = rounds(shim, "oom-order", 3, 3, "/bin/sh", "-c", "x=a; while true; do x=$x$x; done");

    System.out.printf("%s oom order: %d containers, %d OOM-killed, %d with /tasks/oom before /tasks/exit%n", shim,
        outcomes.size(), outcomes.stream().filter(Outcome::oomKilled).count(),
        outcomes.stream().filter(Outcome::oomBeforeExit).count());
    if (shim == ShimUnderTest.JRUNC) {
      for (Outcome o : outcomes) {
        assertThat(o.exitStatus()).as("exit of %s", o).isEqualTo("137");
        assertThat(o.kills()).as("OOM kills in the cgroup of %s", o).isEqualTo(1);
        assertThat(o.topics()).as("events of %s", o)
            .containsExactly("/tasks/create", "/tasks/start", "/tasks/oom", "/tasks/exit", "/tasks/delete");
      }
    }
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("shims")
  void oomInTheFirstMillisecondsIsReportedOnce(ShimUnderTest shim) throws Exception {
    shim.requireBinary();
    // dd's 64 MiB buffer is filled at once: the kill comes within milliseconds of runc start
    List<Outcome> outcomes = rounds(shim, "oom-start", 6, 4,
        "/bin/dd", "if=/dev/zero", "of=/dev/null", "bs=64M", "count=1");

    List<Outcome> killed = outcomes.stream().filter(Outcome::oomKilled).toList();
    System.out.printf("%s oom at start: %d containers, %d OOM-killed, %d of them with exactly one /tasks/oom,"
            + " %d with none, %d with more%n", shim, outcomes.size(), killed.size(),
        killed.stream().filter(o -> o.ooms() == 1).count(), killed.stream().filter(o -> o.ooms() == 0).count(),
        killed.stream().filter(o -> o.ooms() > 1).count());
    if (shim == ShimUnderTest.JRUNC) {
      assertThat(killed).as("OOM-killed containers").isNotEmpty();
      for (Outcome o : outcomes) {
        if (o.oomKilled()) {
          assertThat(o.ooms()).as("/tasks/oom events of %s", o).isEqualTo(o.kills());
          assertThat(o.topics()).as("events of %s", o).containsSubsequence("/tasks/start", "/tasks/oom", "/tasks/exit");
        } else {
          assertThat(o.ooms()).as("/tasks/oom events of %s (no OOM kill in its cgroup)", o).isZero();
        }
      }
    }
  }

  /** What one container did: its exit status, the kills its cgroup counted and its task events in order. */
  private record Outcome(String id, String exitStatus, long kills, List<String> topics) {
    boolean oomKilled() {
      return exitStatus.equals("137") && kills > 0;
    }

    long ooms() {
      return topics.stream().filter("/tasks/oom"::equals).count();
    }

    boolean oomBeforeExit() {
      int oom = topics.indexOf("/tasks/oom");
      return oom >= 0 && oom < topics.indexOf("/tasks/exit");
    }
  }

  /**
   * Runs {@code rounds} times {@code perRound} detached containers at once with {@link #LIMIT}, waits for each
   * exit, reads its cgroup's kill counter, deletes it and returns what each did.
   */
  private static List<Outcome> rounds(ShimUnderTest shim, String purpose, int rounds, int perRound, String... command)
      throws Exception {
    List<Outcome> outcomes = new ArrayList<>();
    try (CtrEvents events = ctr.events(); ExecutorService starts = Executors.newVirtualThreadPerTaskExecutor()) {
      for (int round = 0; round < rounds; round++) {
        List<String> ids = new ArrayList<>();
        for (int i = 0; i < perRound; i++) {
          ids.add(id(shim, purpose));
        }
        List<Future<?>> started = new ArrayList<>();
        for (String id : ids) {
          started.add(starts.submit(() -> ctr.run(ContainerRun.of(shim.runtime(), id, command)
              .withFlags("--memory-limit", Long.toString(LIMIT)).detached()).orThrow()));
        }
        try {
          for (Future<?> start : started) {
            start.get();
          }
          for (String id : ids) {
            CtrEvent exit = events.await(namespace, "/tasks/exit", "\"id\":\"" + id + "\"", EVENT_BOUND);
            long kills = oomKills(id);
            ctr.deleteTask(id).orThrow();
            events.await(namespace, "/tasks/delete", "\"container_id\":\"" + id + "\"", EVENT_BOUND);
            outcomes.add(new Outcome(id, exit.field("exit_status").orElse("?"), kills, topics(events, id)));
          }
        } finally {
          ids.forEach(OomOrderIT::remove);
        }
      }
    }
    return outcomes;
  }

  private static List<String> topics(CtrEvents events, String id) {
    return events.events(namespace).stream()
        .filter(e -> e.topic().startsWith("/tasks/"))
        .filter(e -> e.field("container_id").filter(id::equals).isPresent())
        .map(CtrEvent::topic)
        .toList();
  }

  /** The {@code oom_kill} counter of container {@code id}'s memory cgroup ({@code /<namespace>/<id>}, ctr's). */
  private static long oomKills(String id) throws IOException {
    Path v1 = Path.of("/sys/fs/cgroup/memory", namespace, id, "memory.oom_control");
    Path v2 = Path.of("/sys/fs/cgroup", namespace, id, "memory.events");
    Path file = Files.exists(v1) ? v1 : v2;
    return Files.readAllLines(file).stream()
        .map(line -> line.strip().split("\\s+"))
        .filter(parts -> parts.length == 2 && parts[0].equals("oom_kill"))
        .mapToLong(parts -> Long.parseLong(parts[1]))
        .findFirst()
        .orElseThrow(() -> new AssertionError("no oom_kill counter in " + file));
  }
}
