package io.jshim.posix;

/**
 * The status {@code waitpid} reported for a child, decoded like the Go shim does: a normal exit yields its
 * exit code, death by a signal yields {@code 128 + signal}.
 *
 * @param pid the child that changed state
 * @param rawStatus the raw {@code wstatus} word
 */
public record ExitStatus(int pid, int rawStatus) {
  /** Whether the child called exit (WIFEXITED). */
  public boolean exited() {
    return (rawStatus & 0x7f) == 0;
  }

  /** Whether the child was killed by a signal (WIFSIGNALED). */
  public boolean signaled() {
    return ((byte) ((rawStatus & 0x7f) + 1) >> 1) > 0;
  }

  /** The terminating signal (WTERMSIG), or 0 when the child exited normally. */
  public int signal() {
    return signaled() ? rawStatus & 0x7f : 0;
  }

  /** The exit code the shim reports: WEXITSTATUS when exited, {@code 128 + WTERMSIG} when killed. */
  public int exitCode() {
    if (exited()) {
      return (rawStatus >> 8) & 0xff;
    }
    return 128 + signal();
  }

  /** Builds the status of a child that exited with {@code code} (for tests and fakes). */
  public static ExitStatus ofExitCode(int pid, int code) {
    return new ExitStatus(pid, (code & 0xff) << 8);
  }

  /** Builds the status of a child that was killed by {@code signal} (for tests and fakes). */
  public static ExitStatus ofSignal(int pid, int signal) {
    return new ExitStatus(pid, signal & 0x7f);
  }

  @Override
  public String toString() {
    return exited()
        ? "ExitStatus[pid=" + pid + " exitCode=" + exitCode() + "]"
        : "ExitStatus[pid=" + pid + " signal=" + signal() + " exitCode=" + exitCode() + "]";
  }
}
