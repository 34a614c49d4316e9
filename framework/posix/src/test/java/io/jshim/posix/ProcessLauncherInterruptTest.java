package io.jshim.posix;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * A command whose caller is interrupted (a TTRPC handler past its deadline) is killed and reaped before the
 * interruption reaches the caller, and a closed reaper leaves later exits to the next one.
 */
@Timeout(60)
class ProcessLauncherInterruptTest {
  private static final Posix posix = PosixImplementation.FFM.create();

  @TempDir Path dir;
  private ProcessReaper reaper;

  @BeforeEach
  void start() {
    posix.setChildSubreaper();
    reaper = new ProcessReaper(posix);
    reaper.start();
  }

  @AfterEach
  void stop() {
    reaper.close();
  }

  @Test
  void anInterruptedRunKillsAndReapsTheCommandThenThrowsInterruptedException() throws Exception {
    ProcessLauncher launcher = new ProcessLauncher(posix, reaper);
    Path pidFile = dir.resolve("pid");
    CompletableFuture<Throwable> outcome = new CompletableFuture<>();
    Thread caller = Thread.ofPlatform().name("caller").start(() -> {
      try {
        launcher.run(SpawnRequest.builder("/bin/sh")
            .args("-c", "echo $$ > " + pidFile + "; exec sleep 600").build(), Duration.ofMinutes(10));
        outcome.complete(null);
      } catch (Throwable e) {
        outcome.complete(e);
      }
    });
    int pid = awaitPid(pidFile);

    caller.interrupt();

    assertThat(outcome.get(15, TimeUnit.SECONDS)).isInstanceOf(InterruptedException.class);
    assertThat(Path.of("/proc", Integer.toString(pid))).as("the command is killed and reaped").doesNotExist();
  }

  @Test
  void aClosedReaperDoesNotReapTheNextExitAndLeavesItToTheNextReaper() throws Exception {
    ProcessLauncher launcher = new ProcessLauncher(posix, reaper);
    Child sleeper = launcher.spawn(SpawnRequest.builder("/bin/sleep").args("600").build());
    reaper.close(); // its thread is blocked waiting for a child: it cannot end before the next exit

    int quick = posix.spawn(SpawnRequest.builder("/bin/true").build()); // registered with no reaper
    awaitZombieOrGone(quick);
    assertThat(Files.readString(Path.of("/proc", Integer.toString(quick), "stat")).split(" ")[2])
        .as("the closed reaper left pid %d unreaped", quick).isEqualTo("Z");
    for (int i = 0; i < 100 && reaperThreads() > 0; i++) {
      Thread.sleep(20);
    }
    assertThat(reaperThreads()).as("the closed reaper's thread ended at that exit").isZero();

    reaper = new ProcessReaper(posix);
    reaper.start();
    reaper.childAdded();
    assertThat(reaper.exitOf(quick).get(10, TimeUnit.SECONDS).exitCode()).isZero();
    posix.kill(sleeper.pid(), ProcessCalls.SIGKILL);
    assertThat(reaper.exitOf(sleeper.pid()).get(10, TimeUnit.SECONDS).signal()).isEqualTo(ProcessCalls.SIGKILL);
  }

  private static int awaitPid(Path pidFile) throws Exception {
    for (int i = 0; i < 500; i++) {
      if (Files.exists(pidFile) && !Files.readString(pidFile).isBlank()) {
        return Integer.parseInt(Files.readString(pidFile).strip());
      }
      Thread.sleep(10);
    }
    throw new AssertionError("no pid in " + pidFile);
  }

  private static void awaitZombieOrGone(int pid) throws Exception {
    Path stat = Path.of("/proc", Integer.toString(pid), "stat");
    for (int i = 0; i < 500; i++) {
      try {
        if (Files.readString(stat).split(" ")[2].equals("Z")) {
          return;
        }
      } catch (java.io.IOException gone) {
        return;
      }
      Thread.sleep(10);
    }
  }

  private static long reaperThreads() {
    return Thread.getAllStackTraces().keySet().stream().filter(t -> t.getName().equals("jshim-reaper")).count();
  }
}
