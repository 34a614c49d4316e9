package io.jshim.dist.testing;

import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.FutureTask;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;

/**
 * A host command run to completion for a test: no stdin, stdout kept as bytes (the shim's {@code delete} prints
 * protobuf), stderr as text, both read concurrently so neither pipe fills; the test fails if it outlives its bound.
 *
 * @param code   the exit code
 * @param stdout what it wrote on stdout
 * @param stderr what it wrote on stderr
 */
public record HostProcess(int code, byte[] stdout, String stderr) {

  /** @return stdout as UTF-8 text */
  public String stdoutText() {
    return new String(stdout, StandardCharsets.UTF_8);
  }

  /**
   * @param command the argv
   * @param workDir its working directory
   * @param env     variables added to (or replacing) this JVM's environment
   * @param bound   how long it may run
   * @return how it ended
   */
  public static HostProcess run(List<String> command, Path workDir, Map<String, String> env, Duration bound)
      throws IOException, InterruptedException {
    ProcessBuilder builder = new ProcessBuilder(command).directory(workDir.toFile());
    builder.environment().putAll(env);
    Process process = builder.start();
    process.getOutputStream().close();
    FutureTask<byte[]> out = readAll(process.getInputStream());
    FutureTask<byte[]> err = readAll(process.getErrorStream());
    if (!process.waitFor(bound.toMillis(), TimeUnit.MILLISECONDS)) {
      // a bound that holds even when a child keeps the pipes open: kill the command and what it started
      List<ProcessHandle> started = process.descendants().toList();
      process.destroyForcibly();
      started.forEach(ProcessHandle::destroyForcibly);
      throw new AssertionError(command + " did not finish within " + bound + " (killed with what it started)");
    }
    try {
      return new HostProcess(process.exitValue(), out.get(bound.toMillis(), TimeUnit.MILLISECONDS),
          new String(err.get(bound.toMillis(), TimeUnit.MILLISECONDS), StandardCharsets.UTF_8));
    } catch (ExecutionException | TimeoutException e) {
      throw new AssertionError(command + " exited " + process.exitValue()
          + " but its stdout/stderr stayed open past " + bound + " (a child holds them?)", e);
    }
  }

  private static FutureTask<byte[]> readAll(InputStream stream) {
    FutureTask<byte[]> all = new FutureTask<>(stream::readAllBytes);
    Thread.ofVirtual().start(all);
    return all;
  }
}
