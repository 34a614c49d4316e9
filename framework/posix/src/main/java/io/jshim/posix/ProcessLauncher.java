package io.jshim.posix;

import static java.util.Objects.requireNonNull;

import java.io.ByteArrayOutputStream;
import java.io.FileInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Optional;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Spawns children through {@link Posix} and registers them with the {@link ProcessReaper}: the only way
 * the daemon starts processes (never {@link ProcessBuilder}, whose reaper would race ours).
 */
public final class ProcessLauncher {
  private static final Logger LOG = LoggerFactory.getLogger(ProcessLauncher.class);

  /** How long {@link #run} waits for EOF on the output pipes after the command exited. */
  private static final Duration OUTPUT_GRACE = Duration.ofSeconds(2);
  /** How long a command killed by {@link #run} may take to be reaped. */
  private static final Duration REAP_BOUND = Duration.ofSeconds(10);

  private final Posix posix;
  private final ProcessReaper reaper;

  /** A launcher over {@code posix} whose children {@code reaper} (started) reaps. */
  public ProcessLauncher(Posix posix, ProcessReaper reaper) {
    this.posix = requireNonNull(posix, "posix is null");
    this.reaper = requireNonNull(reaper, "reaper is null");
  }

  /** Spawns {@code request}; the child's exit is delivered through {@link Child#waitFor()}. */
  public Child spawn(SpawnRequest request) {
    ProcessReaper.Registration registration = reaper.spawn(() -> posix.spawn(request));
    LOG.debug("spawned child pid={} argv={}", registration.pid(), request.argv());
    return new Child(registration.pid(), registration.exit(), posix);
  }

  /**
   * Runs {@code request} to completion, capturing its stdout and stderr through pipes (read on virtual
   * threads) unless the request maps fd 1 or 2 itself; stdin is {@code /dev/null} unless mapped.
   *
   * @throws CommandTimeoutException when it runs longer than {@code timeout} (it is killed with SIGKILL)
   * @throws InterruptedException when the calling thread is interrupted while the command runs: the command is
   *     killed with SIGKILL and reaped first, so no caller leaves it running
   * @throws SpawnException when it cannot be started
   */
  public CommandResult run(SpawnRequest request, Duration timeout) throws InterruptedException {
    boolean captureOut = !request.fdMap().containsKey(1);
    boolean captureErr = !request.fdMap().containsKey(2);
    PipeFds out = captureOut ? posix.pipe2(FileCalls.O_CLOEXEC) : null;
    PipeFds err = null;
    Drain stdout = null;
    Drain stderr = null;
    Child child;
    try {
      err = captureErr ? posix.pipe2(FileCalls.O_CLOEXEC) : null;
      SpawnRequest.Builder wired = SpawnRequest.builder(request.program()).argv(request.argv())
          .newSession(request.newSession()).envEntries(request.env());
      request.workingDirectory().ifPresent(wired::workingDirectory);
      request.fdMap().forEach(wired::mapFd);
      if (out != null) {
        wired.mapFd(1, out.writeFd());
      }
      if (err != null) {
        wired.mapFd(2, err.writeFd());
      }
      child = spawn(wired.build());
      stdout = out == null ? null : drain(out);
      stderr = err == null ? null : drain(err);
    } finally {
      closeQuietly(out);
      closeQuietly(err);
    }
    Optional<ExitStatus> status;
    try {
      status = child.waitFor(timeout);
    } catch (InterruptedException e) {
      LOG.debug("interrupted while running a command, killing it pid={} argv={}", child.pid(), request.argv());
      killAndReap(child);
      throw e;
    }
    if (status.isEmpty()) {
      if (killAndReap(child)) {
        Thread.currentThread().interrupt();
      }
      throw new CommandTimeoutException(request.argv(), timeout, textOf(stderr));
    }
    return new CommandResult(request.argv(), status.get(), textOf(stdout), textOf(stderr));
  }

  /**
   * SIGKILLs {@code child} and waits until the reaper reaped it, bounded by {@link #REAP_BOUND}; an interrupt
   * meanwhile does not end the wait (it must not leave the child behind).
   *
   * @return whether the thread was interrupted meanwhile
   */
  private static boolean killAndReap(Child child) {
    child.signal(ProcessCalls.SIGKILL);
    long end = System.nanoTime() + REAP_BOUND.toNanos();
    boolean interrupted = false;
    while (true) {
      long left = end - System.nanoTime();
      if (left <= 0) {
        LOG.warn("killed command not reaped in time pid={} bound={}", child.pid(), REAP_BOUND);
        break;
      }
      try {
        if (child.waitFor(Duration.ofNanos(left)).isPresent()) {
          break;
        }
      } catch (InterruptedException again) {
        interrupted = true;
      }
    }
    return interrupted;
  }

  /**
   * Starts a virtual thread reading the pipe's read end until EOF. The read end is reopened through
   * {@code /proc/self/fd} as a {@link FileInputStream}: the JDK's file reads compensate a blocked virtual
   * thread's carrier, a raw native read would pin it. The reopen happens while we still hold the write end,
   * so it cannot block.
   */
  private static Drain drain(PipeFds pipe) {
    try {
      return new Drain(new FileInputStream("/proc/self/fd/" + pipe.readFd()), "jshim-drain-" + pipe.readFd());
    } catch (IOException e) {
      throw new UncheckedIOException("failed to open pipe fd " + pipe.readFd() + ": " + e.getMessage(), e);
    }
  }

  private void closeQuietly(PipeFds pipe) {
    if (pipe == null) {
      return;
    }
    for (int fd : new int[] {pipe.readFd(), pipe.writeFd()}) {
      try {
        posix.close(fd);
      } catch (PosixException e) {
        LOG.warn("failed to close pipe fd={} error={}", fd, e.getMessage());
      }
    }
  }

  private static String textOf(Drain drain) throws InterruptedException {
    return drain == null ? "" : drain.text(OUTPUT_GRACE);
  }

  /** Collects one output stream on a virtual thread. */
  private static final class Drain {
    private final ByteArrayOutputStream buffer = new ByteArrayOutputStream();
    private final Thread thread;

    Drain(InputStream in, String name) {
      this.thread = Thread.ofVirtual().name(name).start(() -> {
        byte[] chunk = new byte[8192];
        try (in) {
          int n;
          while ((n = in.read(chunk)) > 0) {
            synchronized (buffer) {
              buffer.write(chunk, 0, n);
            }
          }
        } catch (IOException e) {
          LOG.warn("failed to read command output stream={} error={}", name, e.getMessage());
        }
      });
    }

    /**
     * What was read, waiting at most {@code grace} for EOF: a grandchild that inherited the pipe may keep it
     * open after the command exited.
     */
    String text(Duration grace) throws InterruptedException {
      if (!thread.join(grace)) {
        LOG.warn("command output still open after exit, using what was read: stream={}", thread.getName());
      }
      synchronized (buffer) {
        return buffer.toString(StandardCharsets.UTF_8);
      }
    }
  }
}
