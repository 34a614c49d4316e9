package io.jshim.posix;

import static java.util.Objects.requireNonNull;

import java.time.Duration;
import java.util.HashMap;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.Condition;
import java.util.concurrent.locks.ReentrantLock;
import java.util.function.Consumer;
import java.util.function.IntSupplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Reaps every child of this process and routes each exit status to whoever waits
 * for that pid, and to every subscriber (subscribers first: when a waiter wakes up, every subscriber has
 * seen the exit).
 *
 * <p>A shim is a child subreaper: container processes that runc started are reparented to it and must be
 * reaped here. One dedicated platform thread blocks in {@code waitid(P_ALL, WEXITED | WNOWAIT)} until some child
 * has exited, then reaps that pid with {@code waitpid(pid)} (a blocking downcall must not pin a virtual thread's
 * carrier); while there are no children ({@code ECHILD}) it parks until
 * {@link #spawn} or {@link #childAdded()} says a child exists. Nothing else in the process may reap children:
 * do not use {@link ProcessBuilder} next to it, the JDK's own reaper would steal exits.
 *
 * <p>An exit that arrives before anyone {@linkplain #exitOf registered} for its pid is kept (at most
 * {@code retainedExits}, oldest dropped first with a warning) so a late waiter still gets it. Spawning through
 * {@link #spawn} registers the pid before the reaper can route its exit, so a recycled pid never sees a stale
 * status.
 */
public final class ProcessReaper implements AutoCloseable {
  private static final Logger LOG = LoggerFactory.getLogger(ProcessReaper.class);
  /** Default number of unclaimed exits kept for late waiters. */
  public static final int DEFAULT_RETAINED_EXITS = 1024;

  private final ProcessCalls posix;
  private final int retainedExits;
  private final List<Consumer<ExitStatus>> subscribers = new CopyOnWriteArrayList<>();
  private final ReentrantLock lock = new ReentrantLock();
  private final Condition childrenMayExist = lock.newCondition();
  /** Guarded by {@link #lock}: futures of pids somebody waits for. */
  private final Map<Integer, CompletableFuture<ExitStatus>> waiters = new HashMap<>();
  /** Guarded by {@link #lock}: exits nobody registered for yet, oldest first. */
  private final LinkedHashMap<Integer, ExitStatus> unclaimed = new LinkedHashMap<>();
  /** Guarded by {@link #lock}: bumped whenever a child may have been added. */
  private long childGeneration;
  /** Guarded by {@link #lock}. */
  private boolean running;
  private Thread thread;

  /** A reaper over {@code posix} that keeps {@link #DEFAULT_RETAINED_EXITS} unclaimed exits. */
  public ProcessReaper(ProcessCalls posix) {
    this(posix, DEFAULT_RETAINED_EXITS);
  }

  /** A reaper over {@code posix} that keeps at most {@code retainedExits} unclaimed exits. */
  public ProcessReaper(ProcessCalls posix, int retainedExits) {
    this.posix = requireNonNull(posix, "posix is null");
    if (retainedExits < 1) {
      throw new IllegalArgumentException("retainedExits must be >= 1: " + retainedExits);
    }
    this.retainedExits = retainedExits;
  }

  /** Starts the reaping thread ({@code jshim-reaper}). */
  public void start() {
    lock.lock();
    try {
      if (thread != null) {
        throw new IllegalStateException("process reaper already started");
      }
      running = true;
      thread = Thread.ofPlatform().name("jshim-reaper").daemon(true).start(this::reapLoop);
    } finally {
      lock.unlock();
    }
  }

  /**
   * Runs {@code spawn} (which starts a child and returns its pid) and registers the pid before its exit can
   * be routed.
   *
   * @return the pid and the future of its exit
   */
  public Registration spawn(IntSupplier spawn) {
    lock.lock();
    try {
      int pid = spawn.getAsInt();
      unclaimed.remove(pid); // a kept exit of this pid belongs to an earlier process
      CompletableFuture<ExitStatus> exit = waiters.computeIfAbsent(pid, p -> new CompletableFuture<>());
      childGeneration++;
      childrenMayExist.signalAll();
      return new Registration(pid, exit);
    } finally {
      lock.unlock();
    }
  }

  /**
   * The future exit of {@code pid}, a child that was not spawned through {@link #spawn} (e.g. a container
   * process runc started and that got reparented to us). Completes at once when its exit was already reaped.
   */
  public CompletableFuture<ExitStatus> exitOf(int pid) {
    lock.lock();
    try {
      ExitStatus kept = unclaimed.remove(pid);
      if (kept != null) {
        return CompletableFuture.completedFuture(kept);
      }
      return waiters.computeIfAbsent(pid, p -> new CompletableFuture<>());
    } finally {
      lock.unlock();
    }
  }

  /** Tells the reaper a child may exist that it did not see spawned (wakes it from an ECHILD park). */
  public void childAdded() {
    lock.lock();
    try {
      childGeneration++;
      childrenMayExist.signalAll();
    } finally {
      lock.unlock();
    }
  }

  /**
   * Receives every exit, of any child, on the reaper thread (keep it short; hand work off). Returns the
   * handle that unsubscribes.
   */
  public AutoCloseable subscribe(Consumer<ExitStatus> subscriber) {
    requireNonNull(subscriber, "subscriber is null");
    subscribers.add(subscriber);
    return () -> subscribers.remove(subscriber);
  }

  private void reapLoop() {
    while (true) {
      long generation;
      lock.lock();
      try {
        if (!running) {
          return;
        }
        generation = childGeneration;
      } finally {
        lock.unlock();
      }
      int pid;
      try {
        pid = posix.awaitExitedChild(); // a zombie now, not reaped yet
      } catch (PosixException e) {
        if (e.errno() == Errno.ECHILD) {
          parkUntilChildAdded(generation);
        } else {
          LOG.error("waitid(P_ALL) failed, retrying in 100 ms: error={}", e.getMessage());
          sleep(Duration.ofMillis(100));
        }
        continue;
      }
      if (!isRunning()) {
        return; // closed while waiting: the zombie is left to whoever reaps next
      }
      try {
        route(posix.waitpid(pid));
      } catch (PosixException e) {
        if (e.errno() == Errno.ECHILD) {
          LOG.debug("child already reaped elsewhere pid={}", pid);
        } else {
          LOG.error("waitpid failed, retrying in 100 ms: pid={} error={}", pid, e.getMessage());
          sleep(Duration.ofMillis(100));
        }
      } catch (RuntimeException e) {
        LOG.error("process reaper failed to route an exit", e);
      }
    }
  }

  private boolean isRunning() {
    lock.lock();
    try {
      return running;
    } finally {
      lock.unlock();
    }
  }

  private void parkUntilChildAdded(long generation) {
    lock.lock();
    try {
      while (running && childGeneration == generation) {
        childrenMayExist.awaitUninterruptibly();
      }
    } finally {
      lock.unlock();
    }
  }

  private void route(ExitStatus status) {
    CompletableFuture<ExitStatus> waiter;
    lock.lock();
    try {
      waiter = waiters.remove(status.pid());
      if (waiter == null) {
        keep(status);
      }
    } finally {
      lock.unlock();
    }
    LOG.debug("reaped child pid={} exitCode={} signal={}", status.pid(), status.exitCode(), status.signal());
    for (Consumer<ExitStatus> subscriber : subscribers) {
      try {
        subscriber.accept(status);
      } catch (RuntimeException e) {
        LOG.error("exit subscriber failed: pid={} subscriber={}", status.pid(), subscriber, e);
      }
    }
    if (waiter != null) {
      waiter.complete(status);
    }
  }

  /** Guarded by {@link #lock}. */
  private void keep(ExitStatus status) {
    unclaimed.put(status.pid(), status);
    if (unclaimed.size() > retainedExits) {
      Iterator<ExitStatus> oldest = unclaimed.values().iterator();
      ExitStatus dropped = oldest.next();
      oldest.remove();
      LOG.warn("dropped unclaimed exit: pid={} exitCode={} retained={}", dropped.pid(), dropped.exitCode(), retainedExits);
    }
  }

  /**
   * Stops the reaper; it routes no exit it has not reaped yet. A parked thread ends at once. A thread blocked
   * waiting for a child's exit (that wait cannot be interrupted) wakes up at the next exit of any child and ends
   * without reaping it, so the zombie stays for the next reaper of this process (a closed reaper does not steal
   * exits). Only an exit whose reaping had already begun when {@code close} ran is still routed, to this
   * reaper's waiters and subscribers. Waits at most one second for the thread. Run one reaper at a time: two
   * running reapers would steal each other's exits.
   */
  @Override
  public void close() {
    Thread reaper;
    lock.lock();
    try {
      running = false;
      childrenMayExist.signalAll();
      reaper = thread;
    } finally {
      lock.unlock();
    }
    if (reaper != null) {
      try {
        reaper.join(TimeUnit.SECONDS.toMillis(1));
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
      }
    }
  }

  private static void sleep(Duration duration) {
    try {
      Thread.sleep(duration);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }

  /**
   * A child spawned through {@link #spawn}.
   *
   * @param pid its pid
   * @param exit completes with its exit status
   */
  public record Registration(int pid, CompletableFuture<ExitStatus> exit) {}
}
