package io.jshim.dist.spare;

import static org.assertj.core.api.Assertions.assertThat;

import io.jshim.dist.testing.ContainerdSuite;
import io.jshim.dist.testing.ShimUnderTest;
import io.jshim.testing.containerd.CommandResult;
import io.jshim.testing.containerd.ContainerRun;
import io.jshim.testing.containerd.ShimProcess;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Callable;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * jrunc's warm spare ({@code jshim.spare.count = 1}, the default) under a real containerd: the next start of a new
 * group is handed to the spare, which becomes that group's daemon as a cold start makes one, and a replacement
 * spare follows; and the faults: a spare killed while idle or silent mid hand-off (the start goes cold, the spare can
 * never serve that group), starts racing for one spare, containerd restarting while a spare waits, malformed
 * requests on the spare's FIFO. Nothing may be lost (every container runs) or left behind (claims, processes).
 */
@Timeout(300)
class SpareIT extends ContainerdSuite {
  private static final Duration SPARE_BOUND = Duration.ofSeconds(90);
  private final List<String> containers = new ArrayList<>();

  @BeforeAll
  static void startContainerd() throws Exception {
    startContainerd("jshim-spare-");
  }

  @BeforeEach
  void requireJrunc() {
    ShimUnderTest.JRUNC.requireBinary();
  }

  @AfterEach
  void removeContainers() {
    containers.forEach(ContainerdSuite::remove);
    containers.clear();
  }

  @Test
  void theNextStartIsHandedToTheSpareWhichBecomesTheGroupsDaemonAndIsReplaced() throws Exception {
    long spare = readySpare();
    assertThat(containerd.shims().pids()).as("shims of containerd (by -address)").doesNotContain(spare);
    assertThat(argv(spare)).as("the spare's command line").doesNotContain("-address", "-id", "start");
    assertThat(ctr.taskLs().stdout()).doesNotContain(Long.toString(spare));
    // the warm-up ran a whole task through its stand-in runtime and left nothing: no child, no scratch, no retries
    assertThat(children(spare)).as("children of the waiting spare").isEmpty();
    try (var entries = Files.list(readyDir(spare))) {
      assertThat(entries.map(p -> p.getFileName().toString()).toList()).as("the ready spare's directory")
          .containsExactlyInAnyOrder("pid", "req", "out");
    }
    assertThat(spares.log()).contains("spare warmed up").doesNotContain("failed to warm up")
        .doesNotContain("failed to forward event");

    String id = sleeper("warm");
    ShimProcess daemon = containerd.shims().await(namespace, id, Duration.ofSeconds(30));

    assertThat(daemon.pid()).as("the daemon of %s is the spare", id).isEqualTo(spare);
    assertThat(daemon.argv()).contains("-namespace", namespace, "-id", id, "-address").doesNotContain("start");
    long[] ids = stat(daemon.pid());
    assertThat(ids[1]).as("process group").isEqualTo(daemon.pid());
    assertThat(ids[2]).as("session").isEqualTo(daemon.pid());
    assertThat(fd(daemon.pid(), 1)).isEqualTo("/dev/null");
    assertThat(fd(daemon.pid(), 2)).endsWith("/" + namespace + "/" + id + "/log");
    assertThat(oomScore(daemon.pid())).isEqualTo(Math.min(oomScore(containerd.pid()) + 1, 1000));
    assertThat(Files.readString(containerd.shims().bundle(namespace, id).resolve("address")))
        .isEqualTo("unix://" + daemon.socket());
    assertThat(ctr.exec(id, "exec-1", "/bin/sh", "-c", "echo served").orThrow().stdout()).contains("served");

    long replacement = spares.awaitReadyOtherThan(spare, SPARE_BOUND);
    assertThat(replacement).isNotEqualTo(spare);
    assertNoClaimsLeft();
  }

  @Test
  void aSpareKilledWhileIdleCostsOnlyItsStartWhichGoesCold() throws Exception {
    long spare = readySpare();
    kill(spare, "KILL");
    assertThat(await(() -> ProcessHandle.of(spare).isEmpty(), Duration.ofSeconds(10))).isTrue();

    String id = sleeper("idle-killed");

    ShimProcess daemon = containerd.shims().await(namespace, id, Duration.ofSeconds(30));
    assertThat(daemon.pid()).isNotEqualTo(spare);
    assertThat(ctr.taskStatus(id)).contains("RUNNING");
    spares.awaitReadyOtherThan(spare, SPARE_BOUND);
    assertNoClaimsLeft();
  }

  @Test
  void aSpareSilentMidHandOffIsKilledAndTheStartGoesCold() throws Exception {
    long spare = readySpare();
    kill(spare, "STOP"); // it keeps its FIFO open but never answers: the launcher's bound must fire

    String id = sleeper("silent");

    ShimProcess daemon = containerd.shims().await(namespace, id, Duration.ofSeconds(30));
    assertThat(daemon.pid()).isNotEqualTo(spare);
    assertThat(await(() -> ProcessHandle.of(spare).isEmpty(), Duration.ofSeconds(10)))
        .as("the silent spare %d was killed", spare).isTrue();
    assertThat(ctr.taskStatus(id)).contains("RUNNING");
    assertThat(spares.log()).contains("spare=" + spare + " abandoned");
    assertNoClaimsLeft();
  }

  @Test
  void twoStartsRacingForOneSpareBothStartAndOnlyOneGetsIt() throws Exception {
    long spare = readySpare();

    List<String> ids = parallelSleepers("race", 2);

    List<Long> daemons = new ArrayList<>();
    for (String id : ids) {
      daemons.add(containerd.shims().await(namespace, id, Duration.ofSeconds(30)).pid());
      assertThat(ctr.taskStatus(id)).contains("RUNNING");
    }
    assertThat(daemons).doesNotHaveDuplicates();
    assertThat(daemons.stream().filter(pid -> pid == spare).count()).isLessThanOrEqualTo(1);
    assertNoClaimsLeft();
  }

  @Test
  void tenParallelStartsWithOneSpareAllStart() throws Exception {
    long spare = readySpare();

    List<String> ids = parallelSleepers("ten", 10);

    List<Long> daemons = new ArrayList<>();
    for (String id : ids) {
      daemons.add(containerd.shims().await(namespace, id, Duration.ofSeconds(30)).pid());
      assertThat(ctr.taskStatus(id)).contains("RUNNING");
    }
    assertThat(daemons).doesNotHaveDuplicates();
    assertThat(daemons.stream().filter(pid -> pid == spare).count()).isLessThanOrEqualTo(1);
    assertNoClaimsLeft();
  }

  @Test
  void aSpareWaitingWhileContainerdRestartsServesTheNextStart() throws Exception {
    long spare = readySpare();

    containerd.restart();
    String id = sleeper("after-restart");

    ShimProcess daemon = containerd.shims().await(namespace, id, Duration.ofSeconds(30));
    assertThat(daemon.pid()).isEqualTo(spare);
    assertThat(ctr.exec(id, "exec-1", "/bin/sh", "-c", "echo served").orThrow().stdout()).contains("served");
    assertNoClaimsLeft();
  }

  @Test
  void malformedAndOversizedRequestsAreRefusedAndTheSpareKeepsWaiting() throws Exception {
    long spare = readySpare();
    Path fifo = readyDir(spare).resolve("req");

    write(fifo, "garbage\n");
    write(fifo, "x".repeat(10_000) + "\n");
    write(fifo, "jshim-handoff /etc\n");
    write(fifo, "jshim-handoff " + readyDir(spare).getParent().resolve("claim.1") + "\n");

    assertThat(await(() -> countOf(spares.log(), "failed to accept hand-off") >= 4, Duration.ofSeconds(20)))
        .as("spares.log: %s", spares.log()).isTrue();
    assertThat(spares.log()).contains("does not start with", "longer than 4096 bytes",
        "not a claim.<pid> directory");
    assertThat(spares.ready()).contains(spare);
    String id = sleeper("after-garbage");
    assertThat(containerd.shims().await(namespace, id, Duration.ofSeconds(30)).pid()).isEqualTo(spare);
    assertNoClaimsLeft();
  }

  /** A ready spare: the first start of the class leaves one (a cold start refills), later tests find one. */
  private long readySpare() throws Exception {
    if (spares.ready().stream().noneMatch(pid -> ProcessHandle.of(pid).isPresent())) {
      sleeper("cold");
    }
    return spares.awaitReady(SPARE_BOUND);
  }

  private String sleeper(String purpose) {
    String id = startSleeper(ShimUnderTest.JRUNC, purpose);
    containers.add(id);
    return id;
  }

  private List<String> parallelSleepers(String purpose, int count) throws Exception {
    List<String> ids = new ArrayList<>();
    for (int i = 0; i < count; i++) {
      ids.add(id(ShimUnderTest.JRUNC, purpose));
    }
    containers.addAll(ids);
    ExecutorService pool = Executors.newVirtualThreadPerTaskExecutor();
    try {
      List<Future<CommandResult>> runs = new ArrayList<>();
      for (String id : ids) {
        Callable<CommandResult> run = () -> ctr.run(
            ContainerRun.of(ShimUnderTest.JRUNC.runtime(), id, "/bin/sleep", "600").detached());
        runs.add(pool.submit(run));
      }
      for (Future<CommandResult> run : runs) {
        run.get().orThrow();
      }
    } finally {
      pool.shutdown();
    }
    return ids;
  }

  /** The children of every thread of {@code pid} ({@code /proc/PID/task/TID/children}). */
  private static List<String> children(long pid) throws IOException {
    List<String> children = new ArrayList<>();
    try (var tasks = Files.list(Path.of("/proc/" + pid + "/task"))) {
      for (Path task : tasks.toList()) {
        try {
          String text = Files.readString(task.resolve("children")).strip();
          if (!text.isEmpty()) {
            children.addAll(List.of(text.split("\\s+")));
          }
        } catch (java.nio.file.NoSuchFileException gone) {
          // a thread that ended meanwhile
        }
      }
    }
    return children;
  }

  private Path readyDir(long spare) throws IOException {
    for (Path root : spares.roots()) {
      try (var entries = Files.list(root)) {
        var found = entries.filter(p -> p.getFileName().toString().startsWith("ready.")
            && p.getFileName().toString().endsWith("." + spare)).findFirst();
        if (found.isPresent()) {
          return found.get();
        }
      }
    }
    throw new AssertionError("spare " + spare + " has no ready directory: " + spares.entries());
  }

  private void assertNoClaimsLeft() throws InterruptedException {
    assertThat(await(() -> spares.entries().stream().noneMatch(n -> n.startsWith("claim.") || n.startsWith("retired.")),
        Duration.ofSeconds(15))).as("claims left: %s", spares.entries()).isTrue();
  }

  private static void write(Path fifo, String text) throws IOException {
    Files.writeString(fifo, text, StandardCharsets.UTF_8, StandardOpenOption.WRITE);
  }

  private static int countOf(String text, String part) {
    int count = 0;
    for (int i = text.indexOf(part); i >= 0; i = text.indexOf(part, i + 1)) {
      count++;
    }
    return count;
  }

  private static void kill(long pid, String signal) throws Exception {
    new ProcessBuilder("kill", "-" + signal, Long.toString(pid)).inheritIO().start().waitFor();
  }

  private static List<String> argv(long pid) throws IOException {
    return List.of(Files.readString(Path.of("/proc", Long.toString(pid), "cmdline"), StandardCharsets.UTF_8)
        .split("\0"));
  }

  /** @return {pid, pgrp, session} from {@code /proc/PID/stat} */
  private static long[] stat(long pid) throws Exception {
    String stat = Files.readString(Path.of("/proc", Long.toString(pid), "stat"));
    String[] fields = stat.substring(stat.lastIndexOf(')') + 2).split(" ");
    return new long[] {pid, Long.parseLong(fields[2]), Long.parseLong(fields[3])};
  }

  private static String fd(long pid, int fd) throws Exception {
    return Files.readSymbolicLink(Path.of("/proc", Long.toString(pid), "fd", Integer.toString(fd))).toString();
  }

  private static int oomScore(long pid) throws Exception {
    return Integer.parseInt(Files.readString(Path.of("/proc", Long.toString(pid), "oom_score_adj")).strip());
  }
}
