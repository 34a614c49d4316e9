package io.jshim.posix;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Optional;

/** Process system calls: identity, subreaper, spawn, signals and reaping. */
public interface ProcessCalls {
  int SIGHUP = 1;
  int SIGINT = 2;
  int SIGKILL = 9;
  int SIGUSR1 = 10;
  int SIGTERM = 15;

  /** {@code getpid(2)}. */
  int getpid();

  /** {@code prctl(PR_SET_CHILD_SUBREAPER, 1)}: orphaned descendants get reparented to this process. */
  void setChildSubreaper();

  /** Whether this process is a child subreaper ({@code prctl(PR_GET_CHILD_SUBREAPER)}). */
  boolean isChildSubreaper();

  /**
   * {@code posix_spawn(3)} of {@code request} (see {@link SpawnRequest} for the fd and signal contract).
   *
   * @return the pid of the child
   * @throws SpawnException when the binary cannot be executed
   */
  int spawn(SpawnRequest request);

  /**
   * Blocking {@code waitpid(pid, &status, 0)}, retried on EINTR. Blocks a platform thread: never call it
   * on a virtual thread.
   *
   * @param pid a pid, or -1 for any child
   * @throws PosixException with {@link Errno#ECHILD} when there is no such child
   */
  ExitStatus waitpid(int pid);

  /**
   * Blocking {@code waitid(P_ALL, 0, &info, WEXITED | WNOWAIT)}, retried on EINTR: waits until some child has
   * exited and returns its pid <em>without reaping it</em> (it stays a zombie until {@link #waitpid(int)} of that
   * pid). Blocks a platform thread: never call it on a virtual thread.
   *
   * @return the pid of a child that has exited
   * @throws PosixException with {@link Errno#ECHILD} when there is no child
   */
  int awaitExitedChild();

  /**
   * {@code waitpid(pid, &status, WNOHANG)}.
   *
   * @param pid a pid, or -1 for any child
   * @return the status of a child that has exited, or empty when none has yet
   * @throws PosixException with {@link Errno#ECHILD} when there is no such child
   */
  Optional<ExitStatus> waitpidNoHang(int pid);

  /** {@code kill(2)}. */
  void kill(int pid, int signal);

  /** Reads {@code /proc/self/oom_score_adj} (plain file I/O). */
  default int oomScoreAdj() {
    try {
      return Integer.parseInt(Files.readString(Path.of("/proc/self/oom_score_adj")).trim());
    } catch (IOException e) {
      throw new UncheckedIOException("failed to read /proc/self/oom_score_adj: " + e.getMessage(), e);
    }
  }

  /** Writes {@code /proc/self/oom_score_adj} (plain file I/O); the value is clamped to [-1000, 1000]. */
  default void setOomScoreAdj(int score) {
    int clamped = Math.max(-1000, Math.min(1000, score));
    try {
      Files.writeString(Path.of("/proc/self/oom_score_adj"), Integer.toString(clamped));
    } catch (IOException e) {
      throw new UncheckedIOException("failed to write /proc/self/oom_score_adj " + clamped + ": " + e.getMessage(), e);
    }
  }
}
