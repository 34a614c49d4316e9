package io.jshim.dist.launcher;

import static org.assertj.core.api.Assertions.assertThat;

import io.jshim.dist.testing.Directories;
import io.jshim.dist.testing.ShimUnderTest;
import io.jshim.dist.testing.Spares;
import io.jshim.testing.containerd.Ctr;
import io.jshim.testing.containerd.PrivateContainerd;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * A JVM that prints a warning before it serves still starts the shim. Here containerd's environment sets
 * {@code JAVA_TOOL_OPTIONS}, so every JVM prints "Picked up JAVA_TOOL_OPTIONS: ..." whatever {@code -Xlog} says (a
 * deprecated {@code -XX} flag in {@code JSHIM_JAVA_OPTS} does the same). The launcher used to take any line before
 * "jshim: started" for the start's error and then wait for the JVM to exit, which a daemon never does: containerd's
 * start hung. The warning now goes to the shim log, which containerd copies into its own.
 */
@Timeout(300)
class JvmWarningIT {
  private static final String RUNTIME = ShimUnderTest.JRUNC.runtime();
  private static final String TOOL_OPTIONS = "-Djshim.test.tool-options=1";

  @Test
  void aWarningBeforeTheShimServesIsLoggedAndTheContainerRuns() throws Exception {
    ShimUnderTest.JRUNC.requireBinary();
    Path dir = Files.createTempDirectory("jshim-jvm-warning-");
    Path run = Files.createDirectory(dir.resolve("run"));
    Spares spares = new Spares(run);
    try (PrivateContainerd containerd = PrivateContainerd.builder().runtimeDir(ShimUnderTest.jruncBinDir())
        .logLevel("info").environment("JSHIM_SPARE_RUN", run.toString())
        .environment("JAVA_TOOL_OPTIONS", TOOL_OPTIONS).start()) {
      Ctr ctr = containerd.ctr(containerd.newNamespace()).withTimeout(Duration.ofSeconds(60));

      assertThat(ctr.run(RUNTIME, "warned-1", "/bin/echo", "one").orThrow().stdout()).isEqualTo("one\n");

      assertThat(containerd.log()).contains("level=warning msg=\"the JVM printed this before the shim served; it"
          + " serves\" output=\"Picked up JAVA_TOOL_OPTIONS: " + TOOL_OPTIONS + "\"");
    } finally {
      spares.killAll();
      Directories.deleteRecursively(dir);
    }
  }
}
