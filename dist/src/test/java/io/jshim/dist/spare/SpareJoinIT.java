package io.jshim.dist.spare;

import static org.assertj.core.api.Assertions.assertThat;

import io.jshim.dist.testing.Directories;
import io.jshim.dist.testing.ShimUnderTest;
import io.jshim.dist.testing.Spares;
import io.jshim.testing.containerd.ContainerRun;
import io.jshim.testing.containerd.Ctr;
import io.jshim.testing.containerd.PrivateContainerd;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * A start that joins a serving daemon ({@code jshim.grouping = namespace}: every start after the first) that the
 * launcher's JVM-less join does not take (here: a configuration with a substitution) is handed to the spare; the spare answers with the group's address and waits again,
 * with a spare's command line, instead of being used up (which would boot a replacement JVM per container).
 */
@Timeout(300)
class SpareJoinIT {
  private static final String RUNTIME = ShimUnderTest.JRUNC.runtime();

  @Test
  void aJoinHandedToTheSpareLeavesItWaitingAgain() throws Exception {
    ShimUnderTest.JRUNC.requireBinary();
    Path dir = Files.createTempDirectory("jshim-spare-join-");
    Path run = Files.createDirectory(dir.resolve("run"));
    Path config = dir.resolve("jshim.conf");
    // the substitution turns off the launcher's JVM-less join (lib/jshim/sh/join-group.sh refuses a configuration
    // that may depend on more than its file), so the second start reaches the spare, as it does when that join is
    // in doubt
    Files.writeString(config, "jshim.grouping = namespace\njshim.grouping = ${?JSHIM_UNSET_IN_THIS_TEST}\n");
    Spares spares = new Spares(run);
    try (PrivateContainerd containerd = PrivateContainerd.builder().runtimeDir(ShimUnderTest.jruncBinDir())
        .logLevel("info").environment("JSHIM_SPARE_RUN", run.toString())
        .environment("JSHIM_CONFIG", config.toString()).start()) {
      Ctr ctr = containerd.ctr(containerd.newNamespace()).withTimeout(Duration.ofSeconds(90));
      try {
        ctr.run(ContainerRun.of(RUNTIME, "join-1", "/bin/sleep", "600").detached()).orThrow();
        var daemon = containerd.shims().await(ctr.namespace(), "join-1", Duration.ofSeconds(30));
        long spare = spares.awaitReady(Duration.ofSeconds(90));

        ctr.run(ContainerRun.of(RUNTIME, "join-2", "/bin/sleep", "600").detached()).orThrow();

        // the namespace's daemon serves the second container (its command line names join-1: found by address)
        assertThat(Files.readString(containerd.shims().bundle(ctr.namespace(), "join-2").resolve("address")))
            .isEqualTo("unix://" + daemon.socket());
        assertThat(daemon.isAlive()).isTrue();
        assertThat(spares.log()).contains("spare answered a start that joined a serving daemon: waiting again");
        assertThat(spares.awaitReady(Duration.ofSeconds(30))).as("the same spare is ready again").isEqualTo(spare);
        List<String> argv = List.of(Files.readString(Path.of("/proc", Long.toString(spare), "cmdline"),
            StandardCharsets.UTF_8).split("\0"));
        assertThat(argv).as("the spare's command line again").doesNotContain("-address", "-id");
        assertThat(ctr.exec("join-2", "e1", "/bin/sh", "-c", "echo joined").orThrow().stdout()).contains("joined");
      } finally {
        for (String id : List.of("join-1", "join-2")) {
          ctr.forceDeleteTask(id);
          ctr.deleteContainer(id);
        }
      }
    } finally {
      spares.killAll();
      Directories.deleteRecursively(dir);
    }
  }
}
