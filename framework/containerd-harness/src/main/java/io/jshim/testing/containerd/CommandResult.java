package io.jshim.testing.containerd;

import java.util.List;

/**
 * The outcome of one finished command: its argv, exit code and captured output.
 *
 * @param command the argv that ran
 * @param exitCode the process exit code (128+N when killed by signal N as reported by the JDK)
 * @param stdout everything written to stdout, decoded as UTF-8
 * @param stderr everything written to stderr, decoded as UTF-8
 */
public record CommandResult(List<String> command, int exitCode, String stdout, String stderr) {
  /** Copies the argv. */
  public CommandResult {
    command = List.copyOf(command);
  }

  /** @return whether the command exited with 0 */
  public boolean succeeded() {
    return exitCode == 0;
  }

  /**
   * @return this result when the command exited with 0
   * @throws HarnessException naming the command, its exit code and its stderr otherwise
   */
  public CommandResult orThrow() {
    if (!succeeded()) {
      throw new HarnessException("failed to run " + String.join(" ", command) + ": exit code " + exitCode
          + ", stderr: " + stderr.strip() + ", stdout: " + abbreviate(stdout));
    }
    return this;
  }

  /** @return stdout and stderr together, for assertions on messages that may go to either */
  public String output() {
    return stdout + stderr;
  }

  @Override
  public String toString() {
    return "CommandResult[command=" + String.join(" ", command) + ", exitCode=" + exitCode
        + ", stdout=" + abbreviate(stdout) + ", stderr=" + abbreviate(stderr) + "]";
  }

  private static String abbreviate(String text) {
    String stripped = text.strip();
    return stripped.length() <= 2000 ? stripped : stripped.substring(0, 2000) + "...(" + stripped.length() + " chars)";
  }
}
