package io.jshim.dist.e2e;

import static org.assertj.core.api.Assertions.assertThat;

import io.jshim.dist.testing.ShimUnderTest;
import io.jshim.testing.containerd.BusyboxRootfs;
import io.jshim.testing.containerd.CommandResult;
import io.jshim.testing.containerd.ContainerRun;
import io.jshim.testing.containerd.CtrEvents;
import io.jshim.testing.containerd.Mounts;
import io.jshim.testing.containerd.ShimProcess;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.function.Function;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * Behaviour 11: bad input gives clear errors, leaves nothing mounted, and the shim keeps serving the other
 * containers of its group (all containers here share one shim through the CRI sandbox annotation).
 */
class BadInputIT extends E2eBase {
  private static final String SANDBOX = "io.kubernetes.cri.sandbox-id";

  @ParameterizedTest(name = "{0}")
  @MethodSource("shims")
  void invalidSpecIsRefused(ShimUnderTest shim) throws Exception {
    inGroup(shim, (sandbox) -> {
      String id = id(shim, "badspec");
      Path spec = workDir.resolve(id + ".json");
      write(spec, "{\"ociVersion\":\"1.0.2\",\"process\":{\"args\":[\"/bin/true\"],\"cwd\":\"/\",\"user\":{\"uid\":0,\"gid\":0}},"
          + "\"root\":{\"path\":\"" + BusyboxRootfs.path() + "\"},\"annotations\":{\"" + SANDBOX + "\":\"" + sandbox + "\"},"
          + "\"linux\":{\"namespaces\":[{\"type\":\"nosuchns\"}]}}");
      CommandResult result = ctr.ctr("run", "--rm", "--runtime", shim.runtime(), "--config", spec.toString(), id);
      assertThat(result.exitCode()).as(result.toString()).isNotZero();
      assertThat(result.stderr()).contains("nosuchns");
      return id;
    });
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("shims")
  void missingRootfsIsRefused(ShimUnderTest shim) throws Exception {
    inGroup(shim, (sandbox) -> {
      String id = id(shim, "norootfs");
      CommandResult result = ctr.run(ContainerRun.of(shim.runtime(), id, "/bin/true")
          .withFlags("--annotation", SANDBOX + "=" + sandbox).withRootfs(workDir.resolve("no-such-rootfs")));
      assertThat(result.exitCode()).as(result.toString()).isNotZero();
      assertThat(result.stderr()).contains("no-such-rootfs");
      return id;
    });
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("shims")
  void missingRuncBinaryIsRefused(ShimUnderTest shim) throws Exception {
    inGroup(shim, (sandbox) -> {
      String id = id(shim, "norunc");
      try {
        List<String> flags = new java.util.ArrayList<>(shim.runtimeBinaryFlags(Path.of("/nonexistent/runc"), workDir));
        flags.addAll(List.of("--annotation", SANDBOX + "=" + sandbox));
        CommandResult result = ctr.run(ContainerRun.of(shim.runtime(), id, "/bin/true").withFlags(flags.toArray(String[]::new)));
        assertThat(result.exitCode()).as(result.toString()).isNotZero();
        assertThat(result.stderr()).contains("/nonexistent/runc");
      } catch (java.io.IOException e) {
        throw new AssertionError(e);
      }
      return id;
    });
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("shims")
  void unknownAndDuplicateExecIdsAreRefused(ShimUnderTest shim) throws Exception {
    inGroup(shim, (sandbox) -> {
      String id = startSleeper(shim, "execids", "--annotation", SANDBOX + "=" + sandbox);
      try (CtrEvents events = ctr.events()) {
        CommandResult unknown = ctr.ctr("task", "kill", "--signal", "SIGKILL", "--exec-id", "no-such-exec", id);
        assertThat(unknown.exitCode()).isNotZero();
        assertThat(unknown.stderr()).contains("not found");

        Process first = ctr.start(List.of("task", "exec", "--exec-id", "dup", id, "/bin/sleep", "600"));
        events.await(namespace, "/tasks/exec-started", "\"exec_id\":\"dup\"", Duration.ofSeconds(20));
        CommandResult duplicate = ctr.exec(id, "dup", "/bin/true");
        assertThat(duplicate.exitCode()).isNotZero();
        assertThat(duplicate.stderr()).contains("already exists");
        ctr.ctr("task", "kill", "--signal", "SIGKILL", "--exec-id", "dup", id).orThrow();
        assertThat(first.waitFor(20, TimeUnit.SECONDS)).isTrue();
        assertThat(first.exitValue()).isEqualTo(137);
      } catch (InterruptedException e) {
        throw new AssertionError(e);
      } finally {
        remove(id);
      }
      return id;
    });
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("shims")
  void idsWithSlashOrDotDotAreRefused(ShimUnderTest shim) throws Exception {
    inGroup(shim, (sandbox) -> {
      for (String bad : List.of("a/b", "..", "../escape")) {
        CommandResult result = ctr.run(ContainerRun.of(shim.runtime(), bad, "/bin/true").withFlags("--annotation", SANDBOX + "=" + sandbox));
        assertThat(result.exitCode()).as(result.toString()).isNotZero();
        assertThat(result.stderr()).contains("identifier").contains("invalid argument");
      }
      return null; // refused by containerd before any bundle exists
    });
  }

  /**
   * Starts a running container in a fresh shim group, runs {@code failure} (which returns the failed id), then
   * checks the shim still serves the running container and nothing of the failed one is left mounted.
   */
  private static void inGroup(ShimUnderTest shim, Function<String, String> failure) throws Exception {
    String sandbox = id(shim, "group");
    String survivor = startSleeper(shim, "survivor", "--annotation", SANDBOX + "=" + sandbox);
    try {
      ShimProcess daemon = containerd.shims().await(namespace, survivor, Duration.ofSeconds(10));
      String failedId = failure.apply(sandbox);
      if (failedId != null) {
        Path bundle = containerd.shims().bundle(namespace, failedId);
        assertThat(Mounts.under(bundle)).isEmpty();
        assertThat(await(() -> !Files.exists(bundle), Duration.ofSeconds(10))).as("bundle %s removed", bundle).isTrue();
      }
      assertThat(daemon.isAlive()).as("shim %s still running", daemon.pid()).isTrue();
      CommandResult alive = ctr.exec(survivor, "alive", "/bin/echo", "still served");
      assertThat(alive.exitCode()).as(alive.toString()).isZero();
      assertThat(alive.stdout()).isEqualTo("still served\n");
      assertThat(containerd.shims().find(namespace, survivor).map(ShimProcess::pid)).contains(daemon.pid());
    } finally {
      remove(survivor);
    }
  }

  private static void write(Path file, String text) {
    try {
      Files.writeString(file, text);
    } catch (java.io.IOException e) {
      throw new AssertionError(e);
    }
  }
}
