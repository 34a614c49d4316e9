package io.jshim.posix;

import java.time.Duration;
import java.util.List;

/** {@link ProcessLauncher#run} gave up on a command that outlived its timeout (and killed it). */
public final class CommandTimeoutException extends RuntimeException {
  private final List<String> argv;
  private final Duration timeout;

  /** Builds the exception for {@code argv}, killed after {@code timeout}; {@code stderr} is what it wrote. */
  public CommandTimeoutException(List<String> argv, Duration timeout, String stderr) {
    super("failed to run \"" + String.join(" ", argv) + "\": timed out after " + timeout
        + (stderr.isBlank() ? "" : "; stderr: " + stderr.strip()));
    this.argv = List.copyOf(argv);
    this.timeout = timeout;
  }

  /** The command line. */
  public List<String> argv() {
    return argv;
  }

  /** How long it was allowed to run. */
  public Duration timeout() {
    return timeout;
  }
}
