package io.jshim.dist.spare;

import static org.assertj.core.api.Assertions.assertThat;

import io.jshim.dist.testing.Directories;
import io.jshim.dist.testing.ShimUnderTest;
import io.jshim.dist.testing.Spares;
import io.jshim.testing.containerd.ContainerRun;
import io.jshim.testing.containerd.Ctr;
import io.jshim.testing.containerd.PrivateContainerd;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * {@code jshim.spare.count = 0}: the behaviour before spares. Starts boot their own JVM, no spare JVM starts and
 * nothing is created in the spare directory (no policy, no installation directory).
 */
@Timeout(300)
class SpareOffIT {
  private static final String RUNTIME = ShimUnderTest.JRUNC.runtime();

  @Test
  void countZeroStartsNoSpareAndCreatesNothing() throws Exception {
    ShimUnderTest.JRUNC.requireBinary();
    Path dir = Files.createTempDirectory("jshim-spare-off-");
    Path run = Files.createDirectory(dir.resolve("run"));
    Path config = dir.resolve("jshim.conf");
    Files.writeString(config, "jshim.spare.count = 0\n");
    Spares spares = new Spares(run);
    try (PrivateContainerd containerd = PrivateContainerd.builder().runtimeDir(ShimUnderTest.jruncBinDir())
        .logLevel("info").environment("JSHIM_SPARE_RUN", run.toString())
        .environment("JSHIM_CONFIG", config.toString()).start()) {
      Ctr ctr = containerd.ctr(containerd.newNamespace()).withTimeout(Duration.ofSeconds(90));

      assertThat(ctr.run(RUNTIME, "off-1", "/bin/echo", "one").orThrow().stdout()).isEqualTo("one\n");
      ctr.run(ContainerRun.of(RUNTIME, "off-2", "/bin/sleep", "600").detached()).orThrow();
      try {
        long daemon = containerd.shims().await(ctr.namespace(), "off-2", Duration.ofSeconds(30)).pid();
        Thread.sleep(3000); // a refill would start within refill-delay (5 s) of the first container: none may
        assertThat(daemon).isPositive();
        assertThat(spares.processes()).as("spare processes with jshim.spare.count = 0").isEmpty();
        try (var entries = Files.list(run)) {
          assertThat(entries).as("spare directories with jshim.spare.count = 0").isEmpty();
        }
      } finally {
        ctr.forceDeleteTask("off-2");
        ctr.deleteContainer("off-2");
      }
    } finally {
      spares.killAll();
      Directories.deleteRecursively(dir);
    }
  }
}
