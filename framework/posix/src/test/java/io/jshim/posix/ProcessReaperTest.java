package io.jshim.posix;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * One reaper for the whole class, as in the daemon: a reaper blocked in {@code waitpid(-1)} cannot be stopped
 * while any child lives, so a second reaper in the same process would steal exits.
 */
@Timeout(60)
class ProcessReaperTest {
  private static final Posix posix = PosixImplementation.FFM.create();
  private static ProcessReaper reaper;
  private static ProcessLauncher launcher;
  private final List<AutoCloseable> subscriptions = new ArrayList<>();

  @BeforeAll
  static void start() {
    posix.setChildSubreaper();
    reaper = new ProcessReaper(posix);
    reaper.start();
    launcher = new ProcessLauncher(posix, reaper);
  }

  @AfterAll
  static void stop() {
    reaper.close();
  }

  @AfterEach
  void unsubscribe() throws Exception {
    for (AutoCloseable subscription : subscriptions) {
      subscription.close();
    }
  }

  private void subscribe(java.util.function.Consumer<ExitStatus> subscriber) {
    subscriptions.add(reaper.subscribe(subscriber));
  }

  @Test
  void routesEveryExitOfFiftyConcurrentChildrenExactlyOnce() throws Exception {
    Map<Integer, AtomicInteger> seen = new ConcurrentHashMap<>();
    subscribe(s -> seen.computeIfAbsent(s.pid(), p -> new AtomicInteger()).incrementAndGet());
    List<Future<Child>> spawned = new ArrayList<>();
    try (ExecutorService pool = Executors.newVirtualThreadPerTaskExecutor()) {
      for (int i = 0; i < 50; i++) {
        int code = i;
        spawned.add(pool.submit(() -> launcher.spawn(
            SpawnRequest.builder("/bin/sh").args("-c", "sleep 0.0" + (code % 10) + "; exit " + code).build())));
      }
    }
    for (int i = 0; i < 50; i++) {
      Child child = spawned.get(i).get();
      ExitStatus status = child.waitFor(Duration.ofSeconds(30)).orElseThrow();
      assertThat(status.pid()).isEqualTo(child.pid());
      assertThat(status.exitCode()).as("exit code of child %d", i).isEqualTo(i);
    }
    for (Future<Child> f : spawned) {
      assertThat(seen.get(f.get().pid())).as("deliveries of pid %d", f.get().pid()).hasValue(1);
    }
    assertThat(zombieChildren()).isEmpty();
  }

  @Test
  void reapsReparentedOrphansAndKeepsTheirExitForLateWaiters() throws Exception {
    LinkedBlockingQueue<ExitStatus> all = new LinkedBlockingQueue<>();
    subscribe(all::add);
    CommandResult result = launcher.run(SpawnRequest.builder("/bin/sh")
        .args("-c", "sh -c 'sleep 0.2; exit 5' >/dev/null 2>&1 & echo $!").build(), Duration.ofSeconds(10));
    int orphan = Integer.parseInt(result.stdout().trim());
    ExitStatus exit;
    do {
      exit = all.poll(10, TimeUnit.SECONDS);
      assertThat(exit).as("exit of orphan %d", orphan).isNotNull();
    } while (exit.pid() != orphan);
    assertThat(exit.exitCode()).isEqualTo(5);
    CompletableFuture<ExitStatus> late = reaper.exitOf(orphan);
    assertThat(late).isCompletedWithValue(exit);
    assertThat(zombieChildren()).isEmpty();
  }

  @Test
  void exitOfWaitsForAnExitStillToCome() throws Exception {
    CommandResult result = launcher.run(SpawnRequest.builder("/bin/sh")
        .args("-c", "sleep 1 >/dev/null 2>&1 & echo $!").build(), Duration.ofSeconds(10));
    CompletableFuture<ExitStatus> exit = reaper.exitOf(Integer.parseInt(result.stdout().trim()));
    assertThat(exit).isNotDone();
    assertThat(exit.get(10, TimeUnit.SECONDS).exitCode()).isZero();
  }

  @Test
  void runCapturesOutputAndExitCode() throws Exception {
    CommandResult result = launcher.run(SpawnRequest.builder("/bin/sh")
        .args("-c", "echo out; echo err >&2; exit 3").build(), Duration.ofSeconds(10));
    assertThat(result.stdout()).isEqualTo("out\n");
    assertThat(result.stderr()).isEqualTo("err\n");
    assertThat(result.exitCode()).isEqualTo(3);
    assertThat(result.succeeded()).isFalse();
    assertThat(result.describe()).isEqualTo("\"/bin/sh -c echo out; echo err >&2; exit 3\" exited with 3: err");
  }

  @Test
  void aCommandInheritsThisProcesssEnvironmentEveryTimeUnlessGivenItsOwn() throws Exception {
    var expected = new java.util.TreeSet<String>();
    System.getenv().forEach((k, v) -> expected.add(k + "=" + v));
    for (int i = 0; i < 3; i++) { // the inherited environment's C array is made once and reused
      CommandResult inherited = launcher.run(SpawnRequest.builder("/usr/bin/env").build(), Duration.ofSeconds(10));
      assertThat(new java.util.TreeSet<>(inherited.stdout().lines().toList())).isEqualTo(expected);
    }
    CommandResult own = launcher.run(SpawnRequest.builder("/usr/bin/env").envEntries(List.of("ONLY=this")).build(),
        Duration.ofSeconds(10));
    assertThat(own.stdout().lines().toList()).containsExactly("ONLY=this");
  }

  @Test
  void runCapturesLargeOutputWithoutDeadlock() throws Exception {
    CommandResult result = launcher.run(SpawnRequest.builder("/bin/sh")
        .args("-c", "head -c 1000000 /dev/zero | tr '\\0' a; head -c 300000 /dev/zero | tr '\\0' b >&2").build(),
        Duration.ofSeconds(20));
    assertThat(result.succeeded()).isTrue();
    assertThat(result.stdout()).hasSize(1_000_000).matches("a+");
    assertThat(result.stderr()).hasSize(300_000);
  }

  @Test
  void runKillsCommandsThatTimeOut() {
    assertThatThrownBy(() -> launcher.run(SpawnRequest.builder("/bin/sh")
        .args("-c", "echo slow >&2; exec sleep 30").build(), Duration.ofMillis(300)))
        .isInstanceOf(CommandTimeoutException.class)
        .hasMessageContaining("timed out after PT0.3S")
        .hasMessageContaining("stderr: slow");
    assertThat(zombieChildren()).isEmpty();
  }

  @Test
  void runOfMissingBinaryIsTyped() {
    assertThatThrownBy(() -> launcher.run(SpawnRequest.builder("/no/runc").build(), Duration.ofSeconds(5)))
        .isInstanceOf(SpawnException.class)
        .hasMessage("failed to spawn /no/runc: No such file or directory (errno 2)");
  }

  @Test
  void childCanBeSignalledAndWaitedWithTimeout() throws Exception {
    Child child = launcher.spawn(SpawnRequest.builder("/bin/sleep").args("30").newSession(true).build());
    assertThat(child.waitFor(Duration.ofMillis(50))).isEmpty();
    assertThat(child.hasExited()).isFalse();
    child.signal(ProcessCalls.SIGTERM);
    assertThat(child.waitFor().exitCode()).isEqualTo(128 + ProcessCalls.SIGTERM);
    assertThat(child.onExit()).isCompleted();
  }

  /** Children of this JVM in state Z. */
  private static List<String> zombieChildren() {
    String self = Long.toString(ProcessHandle.current().pid());
    List<String> zombies = new ArrayList<>();
    try (Stream<Path> procs = Files.list(Path.of("/proc"))) {
      for (Path proc : procs.filter(p -> p.getFileName().toString().matches("\\d+")).toList()) {
        try {
          String stat = Files.readString(proc.resolve("stat"));
          String[] fields = stat.substring(stat.lastIndexOf(')') + 2).split(" ");
          if (fields[1].equals(self) && fields[0].equals("Z")) {
            zombies.add(stat);
          }
        } catch (IOException gone) {
          // the process exited while we scanned
        }
      }
    } catch (IOException e) {
      throw new AssertionError("failed to scan /proc", e);
    }
    return zombies;
  }
}
