package io.jshim.dist.testing;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

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
    byte[][] out = new byte[1][];
    Thread reader = Thread.ofVirtual().start(() -> {
      try {
        out[0] = process.getInputStream().readAllBytes();
      } catch (IOException e) {
        out[0] = new byte[0];
      }
    });
    String err = new String(process.getErrorStream().readAllBytes(), StandardCharsets.UTF_8);
    assertThat(process.waitFor(bound.toMillis(), TimeUnit.MILLISECONDS)).as("%s finishes within %s", command, bound)
        .isTrue();
    reader.join();
    return new HostProcess(process.exitValue(), out[0], err);
  }
}
