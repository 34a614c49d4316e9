package io.jshim.testing.containerd;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

/** Runs external commands with a bound on their run time, capturing their output on virtual threads. */
final class Commands {
  private Commands() {}

  /**
   * Runs {@code command} to completion, feeding it {@code stdin}, and kills it (SIGKILL, by pid) if it
   * outlives {@code timeout}.
   */
  static CommandResult run(List<String> command, byte[] stdin, Duration timeout, Map<String, String> env) {
    ProcessBuilder builder = new ProcessBuilder(command);
    builder.environment().putAll(env);
    if (stdin == null) {
      builder.redirectInput(ProcessBuilder.Redirect.from(new java.io.File("/dev/null")));
    }
    Process process;
    try {
      process = builder.start();
    } catch (IOException e) {
      throw new HarnessException("failed to start " + String.join(" ", command) + ": " + e.getMessage(), e);
    }
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    ByteArrayOutputStream err = new ByteArrayOutputStream();
    Thread outReader = Thread.ofVirtual().name("cmd-stdout").start(() -> copy(process.getInputStream(), out));
    Thread errReader = Thread.ofVirtual().name("cmd-stderr").start(() -> copy(process.getErrorStream(), err));
    if (stdin != null) {
      Thread.ofVirtual().name("cmd-stdin").start(() -> {
        try (OutputStream in = process.getOutputStream()) {
          in.write(stdin);
        } catch (IOException ignored) {
          // the command exited without reading all its input: its exit code tells the story
        }
      });
    }
    try {
      if (!process.waitFor(timeout.toMillis(), TimeUnit.MILLISECONDS)) {
        process.destroyForcibly();
        process.waitFor(5, TimeUnit.SECONDS);
        outReader.join(Duration.ofSeconds(2));
        errReader.join(Duration.ofSeconds(2));
        throw new HarnessException("failed to run " + String.join(" ", command) + ": timed out after " + timeout
            + ", stdout so far: " + text(out).strip() + ", stderr so far: " + text(err).strip());
      }
      // A daemonised grandchild may keep the pipes open: do not wait for it forever.
      outReader.join(Duration.ofSeconds(5));
      errReader.join(Duration.ofSeconds(5));
    } catch (InterruptedException e) {
      process.destroyForcibly();
      Thread.currentThread().interrupt();
      throw new HarnessException("interrupted while running " + String.join(" ", command), e);
    }
    return new CommandResult(command, process.exitValue(), text(out), text(err));
  }

  static CommandResult run(List<String> command, Duration timeout) {
    return run(command, null, timeout, Map.of());
  }

  private static String text(ByteArrayOutputStream buffer) {
    synchronized (buffer) {
      return buffer.toString(StandardCharsets.UTF_8);
    }
  }

  private static void copy(InputStream from, ByteArrayOutputStream to) {
    byte[] chunk = new byte[8192];
    try (from) {
      int n;
      while ((n = from.read(chunk)) >= 0) {
        synchronized (to) {
          to.write(chunk, 0, n);
        }
      }
    } catch (IOException e) {
      if (!"Stream closed".equals(e.getMessage())) {
        throw new UncheckedIOException(e);
      }
    }
  }
}
