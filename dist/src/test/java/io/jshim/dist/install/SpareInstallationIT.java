package io.jshim.dist.install;

import static org.assertj.core.api.Assertions.assertThat;

import io.jshim.dist.testing.Conditions;
import io.jshim.dist.testing.Directories;
import io.jshim.dist.testing.HostProcess;
import io.jshim.dist.testing.Spares;
import io.jshim.testing.containerd.CommandResult;
import io.jshim.testing.containerd.ContainerRun;
import io.jshim.testing.containerd.Ctr;
import io.jshim.testing.containerd.PrivateContainerd;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * Warm spares and installations ({@code install.sh} into temporary prefixes, containerd started with the prefix's
 * {@code bin} on its PATH and a private {@code JSHIM_SPARE_RUN}): re-installing or uninstalling with a spare waiting
 * leaves no spare process, FIFO or directory of that prefix, and a spare never serves another installation.
 */
@Timeout(600)
class SpareInstallationIT {
  private static final String RUNTIME = "io.containerd.jrunc.v2";
  private static final Path SCRIPTS = Path.of(System.getProperty("basedir", ".")).toAbsolutePath().resolve("src/install");
  private static final Duration SPARE_BOUND = Duration.ofSeconds(90);

  private Path run;
  private Spares spares;
  private Path first;
  private Path second;

  @BeforeEach
  void directories() throws IOException {
    run = Files.createTempDirectory("jshim-spare-run-");
    spares = new Spares(run);
    first = Files.createTempDirectory("jshim-prefix-a-");
    second = Files.createTempDirectory("jshim-prefix-b-");
  }

  @AfterEach
  void cleanUp() throws Exception {
    spares.killAll();
    for (Path prefix : List.of(first, second)) {
      if (Files.exists(prefix.resolve("bin/containerd-shim-jrunc-v2"))) {
        script("uninstall.sh", prefix);
      }
      Directories.deleteRecursively(prefix);
    }
    Directories.deleteRecursively(run);
  }

  @Test
  void reinstallAndUninstallWithASpareWaitingLeaveNothingOfThePrefix() throws Exception {
    assertThat(script("install.sh", first).exitCode()).isZero();
    try (PrivateContainerd containerd = containerd(first)) {
      Ctr ctr = containerd.ctr(containerd.newNamespace()).withTimeout(Duration.ofSeconds(90));
      assertThat(ctr.run(RUNTIME, "cold", "/bin/echo", "cold").orThrow().stdout()).isEqualTo("cold\n");
      long spare = spares.awaitReady(SPARE_BOUND);

      CommandResult reinstalled = script("install.sh", first);

      assertThat(reinstalled.exitCode()).as(reinstalled.toString()).isZero();
      assertThat(reinstalled.stdout()).contains("stopped 1 warm spare(s) of " + first.toRealPath());
      assertThat(Conditions.await(() -> ProcessHandle.of(spare).isEmpty(), Duration.ofSeconds(10))).isTrue();
      assertThat(spares.roots()).isEmpty();
      assertThat(ctr.run(RUNTIME, "after-reinstall", "/bin/echo", "again").orThrow().stdout()).isEqualTo("again\n");
      long next = spares.awaitReadyOtherThan(spare, SPARE_BOUND);

      CommandResult removed = script("uninstall.sh", first);

      assertThat(removed.exitCode()).as(removed.toString()).isZero();
      assertThat(Conditions.await(() -> ProcessHandle.of(next).isEmpty() && spares.processes().isEmpty(),
          Duration.ofSeconds(30))).as("spares of %s after uninstall: %s", first, spares.processes()).isTrue();
      assertThat(spares.roots()).as("spare directories left in %s", run).isEmpty();
    }
  }

  @Test
  void aSpareNeverServesAnotherInstallation() throws Exception {
    assertThat(script("install.sh", first).exitCode()).isZero();
    assertThat(script("install.sh", second).exitCode()).isZero();
    try (PrivateContainerd a = containerd(first); PrivateContainerd b = containerd(second)) {
      Ctr ctrA = a.ctr(a.newNamespace()).withTimeout(Duration.ofSeconds(90));
      Ctr ctrB = b.ctr(b.newNamespace()).withTimeout(Duration.ofSeconds(90));
      ctrA.run(RUNTIME, "a-cold", "/bin/true").orThrow();
      long spareOfA = spares.awaitReady(SPARE_BOUND);

      ctrB.run(ContainerRun.of(RUNTIME, "b-1", "/bin/sleep", "600").detached()).orThrow();
      try {
        long daemonOfB = b.shims().await(ctrB.namespace(), "b-1", Duration.ofSeconds(30)).pid();
        assertThat(daemonOfB).isNotEqualTo(spareOfA);
        assertThat(spares.ready()).contains(spareOfA);
        assertThat(spares.roots()).as("one spare directory per installation").hasSize(2);
      } finally {
        ctrB.forceDeleteTask("b-1");
        ctrB.deleteContainer("b-1");
      }
    }
  }

  private PrivateContainerd containerd(Path prefix) {
    return PrivateContainerd.builder().runtimeDir(prefix.resolve("bin")).logLevel("info")
        .environment("JSHIM_SPARE_RUN", run.toString()).start();
  }

  private CommandResult script(String name, Path prefix) throws IOException, InterruptedException {
    List<String> command = List.of("/bin/sh", SCRIPTS.resolve(name).toString(), prefix.toString());
    HostProcess result = HostProcess.run(command, Path.of("."), Map.of("JSHIM_SPARE_RUN", run.toString()),
        Duration.ofSeconds(180));
    return new CommandResult(command, result.code(), result.stdoutText(), result.stderr());
  }
}
