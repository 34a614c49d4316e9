package io.jshim.posix;

import java.time.Duration;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;

/** A child process started by {@link ProcessLauncher}; its exit is reaped by the {@link ProcessReaper}. */
public final class Child {
  private final int pid;
  private final CompletableFuture<ExitStatus> exit;
  private final ProcessCalls posix;

  Child(int pid, CompletableFuture<ExitStatus> exit, ProcessCalls posix) {
    this.pid = pid;
    this.exit = exit;
    this.posix = posix;
  }

  /** The pid. */
  public int pid() {
    return pid;
  }

  /** Blocks until the child exited (fine on virtual threads: it parks, no native call). */
  public ExitStatus waitFor() throws InterruptedException {
    try {
      return exit.get();
    } catch (ExecutionException e) {
      throw new IllegalStateException("failed to wait for pid " + pid + ": " + e.getCause(), e.getCause());
    }
  }

  /** Waits at most {@code timeout}; empty when the child still runs. */
  public Optional<ExitStatus> waitFor(Duration timeout) throws InterruptedException {
    try {
      return Optional.of(exit.get(timeout.toNanos(), TimeUnit.NANOSECONDS));
    } catch (TimeoutException e) {
      return Optional.empty();
    } catch (ExecutionException e) {
      throw new IllegalStateException("failed to wait for pid " + pid + ": " + e.getCause(), e.getCause());
    }
  }

  /** The exit as a future (completed on the reaper thread: do not block in its callbacks). */
  public CompletableFuture<ExitStatus> onExit() {
    return exit.copy();
  }

  /** Whether the child has exited and been reaped. */
  public boolean hasExited() {
    return exit.isDone();
  }

  /** Sends {@code signal}; a no-op once the child was reaped (its pid may be reused). */
  public void signal(int signal) {
    if (!exit.isDone()) {
      posix.kill(pid, signal);
    }
  }

  @Override
  public String toString() {
    return "Child[pid=" + pid + (exit.isDone() ? " " + exit.join() : " running") + "]";
  }
}
