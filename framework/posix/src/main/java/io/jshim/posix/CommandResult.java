package io.jshim.posix;

import java.util.List;

/**
 * The outcome of {@link ProcessLauncher#run}: argv, exit status and what the command wrote.
 *
 * @param argv the command line
 * @param status how it ended
 * @param stdout its standard output (empty when the request mapped fd 1 itself)
 * @param stderr its standard error (empty when the request mapped fd 2 itself)
 */
public record CommandResult(List<String> argv, ExitStatus status, String stdout, String stderr) {
  /** The exit code (128 + signal when killed). */
  public int exitCode() {
    return status.exitCode();
  }

  /** Whether the command exited with 0. */
  public boolean succeeded() {
    return status.exited() && status.exitCode() == 0;
  }

  /** Describes a failure: {@code "runc delete x" exited with 1: <stderr>}. */
  public String describe() {
    String detail = stderr.isBlank() ? stdout.strip() : stderr.strip();
    return "\"" + String.join(" ", argv) + "\" exited with " + exitCode() + (detail.isEmpty() ? "" : ": " + detail);
  }
}
