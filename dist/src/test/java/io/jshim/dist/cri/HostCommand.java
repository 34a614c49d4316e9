package io.jshim.dist.cri;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.TimeUnit;

/** Runs a host tool ({@code tar}, {@code gcc}, {@code runc}) to completion within a bound, or fails saying why. */
final class HostCommand {
  private HostCommand() {}

  /**
   * @param bound how long the command may take
   * @param argv the command
   * @return its combined stdout and stderr
   * @throws IOException if it cannot start, outlives the bound or exits non-zero; the message carries its output
   */
  static String run(Duration bound, List<String> argv) throws IOException {
    Path output = Files.createTempFile("jshim-cri-cmd-", ".out");
    try {
      Process process = new ProcessBuilder(argv)
          .redirectErrorStream(true)
          .redirectOutput(output.toFile())
          .redirectInput(ProcessBuilder.Redirect.from(new java.io.File("/dev/null")))
          .start();
      boolean finished;
      try {
        finished = process.waitFor(bound.toMillis(), TimeUnit.MILLISECONDS);
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        process.destroyForcibly();
        throw new IOException("interrupted while running " + argv, e);
      }
      String text = Files.readString(output, StandardCharsets.UTF_8);
      if (!finished) {
        process.destroyForcibly();
        throw new IOException("failed to run " + argv + ": still running after " + bound + ", output: " + text);
      }
      if (process.exitValue() != 0) {
        throw new IOException("failed to run " + argv + ": exit " + process.exitValue() + ", output: " + text);
      }
      return text;
    } finally {
      Files.deleteIfExists(output);
    }
  }
}
