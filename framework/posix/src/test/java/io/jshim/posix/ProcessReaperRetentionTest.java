package io.jshim.posix;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.Optional;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/** Routing and retention of {@link ProcessReaper}, over scripted exits instead of real children. */
@Timeout(30)
class ProcessReaperRetentionTest {
  /** waitid/waitpid hand out scripted exits, and report ECHILD when none is pending. */
  private static final class ScriptedExits implements ProcessCalls {
    final LinkedBlockingQueue<ExitStatus> pending = new LinkedBlockingQueue<>();

    @Override
    public int awaitExitedChild() {
      ExitStatus next = pending.peek();
      if (next == null) {
        throw new PosixException("waitid", "any child", Errno.ECHILD, "No child processes");
      }
      return next.pid();
    }

    @Override
    public ExitStatus waitpid(int pid) {
      ExitStatus next = pending.peek();
      if (next == null || next.pid() != pid) {
        throw new PosixException("waitpid", "pid " + pid, Errno.ECHILD, "No child processes");
      }
      return pending.poll();
    }

    @Override
    public int getpid() {
      return 1;
    }

    @Override
    public void setChildSubreaper() {}

    @Override
    public boolean isChildSubreaper() {
      return true;
    }

    @Override
    public int spawn(SpawnRequest request) {
      throw new UnsupportedOperationException();
    }

    @Override
    public Optional<ExitStatus> waitpidNoHang(int pid) {
      throw new UnsupportedOperationException();
    }

    @Override
    public void kill(int pid, int signal) {}
  }

  private final ScriptedExits calls = new ScriptedExits();

  private void exit(ProcessReaper reaper, LinkedBlockingQueue<ExitStatus> seen, int pid, int code)
      throws InterruptedException {
    calls.pending.add(ExitStatus.ofExitCode(pid, code));
    reaper.childAdded();
    assertThat(seen.poll(10, TimeUnit.SECONDS)).isEqualTo(ExitStatus.ofExitCode(pid, code));
  }

  @Test
  void keepsABoundedNumberOfUnclaimedExitsForLateWaiters() throws Exception {
    try (ProcessReaper reaper = new ProcessReaper(calls, 2)) {
      LinkedBlockingQueue<ExitStatus> seen = new LinkedBlockingQueue<>();
      reaper.subscribe(seen::add);
      reaper.start();
      exit(reaper, seen, 101, 1);
      exit(reaper, seen, 102, 2);
      exit(reaper, seen, 103, 3);
      assertThat(reaper.exitOf(101)).isNotDone(); // dropped: the oldest beyond the bound
      assertThat(reaper.exitOf(102)).isCompletedWithValue(ExitStatus.ofExitCode(102, 2));
      assertThat(reaper.exitOf(103)).isCompletedWithValue(ExitStatus.ofExitCode(103, 3));
      assertThat(reaper.exitOf(103)).isNotDone(); // claimed once, then gone
    }
  }

  @Test
  void spawnDiscardsAStaleExitOfARecycledPid() throws Exception {
    try (ProcessReaper reaper = new ProcessReaper(calls)) {
      LinkedBlockingQueue<ExitStatus> seen = new LinkedBlockingQueue<>();
      reaper.subscribe(seen::add);
      reaper.start();
      exit(reaper, seen, 200, 9); // an earlier process with pid 200, never claimed
      ProcessReaper.Registration again = reaper.spawn(() -> 200);
      assertThat(again.exit()).isNotDone();
      exit(reaper, seen, 200, 0);
      assertThat(again.exit().get(5, TimeUnit.SECONDS)).isEqualTo(ExitStatus.ofExitCode(200, 0));
    }
  }

  @Test
  void aFailingSubscriberDoesNotStopRouting() throws Exception {
    try (ProcessReaper reaper = new ProcessReaper(calls)) {
      reaper.subscribe(s -> {
        throw new IllegalStateException("subscriber bug");
      });
      LinkedBlockingQueue<ExitStatus> seen = new LinkedBlockingQueue<>();
      reaper.subscribe(seen::add);
      reaper.start();
      var waiter = reaper.exitOf(300);
      exit(reaper, seen, 300, 4);
      assertThat(waiter.get(5, TimeUnit.SECONDS).exitCode()).isEqualTo(4);
    }
  }

}
