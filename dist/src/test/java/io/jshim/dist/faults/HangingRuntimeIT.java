package io.jshim.dist.faults;

import static org.assertj.core.api.Assertions.assertThat;

import io.jshim.dist.testing.ShimUnderTest;
import io.jshim.testing.containerd.CommandResult;
import io.jshim.testing.containerd.ContainerRun;
import io.jshim.testing.containerd.ProcessStats;
import io.jshim.testing.containerd.ShimProcess;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * Fault 3: a runtime that hangs. A fake runc (named through the runtime options' binary name) sleeps forever on
 * {@code create}. The request fails when its deadline passes, the hung runtime process is killed, and the shim
 * keeps serving the other containers of its group and creating new ones.
 */
class HangingRuntimeIT extends FaultBase {
  private static final Duration DEADLINE = Duration.ofSeconds(5);

  @ParameterizedTest(name = "{0}")
  @MethodSource("shims")
  void hungCreateFailsAtItsDeadlineAndTheShimKeepsServing(ShimUnderTest shim) throws Exception {
    shim.requireBinary();
    String sandbox = id(shim, "hang-group");
    String[] group = {"--annotation", SANDBOX + "=" + sandbox};
    String survivor = startSleeper(shim, "hang-survivor", group);
    Path pids = workDir.resolve(sandbox + ".pids");
    Path fakeRunc = fakeRunc(sandbox, pids);
    String hung = id(shim, "hung");
    try {
      ShimProcess daemon = containerd.shims().await(namespace, survivor, Duration.ofSeconds(10));
      List<String> args = new ArrayList<>(List.of("--timeout", DEADLINE.toSeconds() + "s"));
      args.addAll(ctr.runArguments(ContainerRun.of(shim.runtime(), hung, "/bin/true").detached().withFlags(group)
          .withFlags(shim.runtimeBinaryFlags(fakeRunc, workDir).toArray(String[]::new))));
      long begin = System.nanoTime();
      CommandResult result = ctr.ctr(null, Duration.ofSeconds(60), args);
      Duration took = Duration.ofNanos(System.nanoTime() - begin);

      assertThat(result.exitCode()).as(result.toString()).isNotZero();
      assertThat(result.stderr()).contains("deadline exceeded");
      assertThat(took).as("ctr run returned at its deadline").isLessThan(DEADLINE.plusSeconds(10));
      assertThat(Files.readAllLines(pids)).as("the fake runtime was asked to create").isNotEmpty();

      assertThat(daemon.isAlive()).isTrue();
      CommandResult exec = ctr.exec(survivor, "after-hang", "/bin/echo", "not wedged");
      assertThat(exec.exitCode()).as(exec.toString()).isZero();
      assertThat(exec.stdout()).isEqualTo("not wedged\n");
      String fresh = id(shim, "after-hang");
      CommandResult run = ctr.run(ContainerRun.of(shim.runtime(), fresh, "/bin/echo", "created after hang").withFlags(group));
      assertThat(run.exitCode()).as(run.toString()).isZero();
      assertThat(run.stdout()).isEqualTo("created after hang\n");
      assertThat(containerd.shims().find(namespace, survivor).map(ShimProcess::pid)).contains(daemon.pid());
      // the request's deadline also bounds the runtime process: it is killed, not left hanging in the shim
      List<Long> hungPids = Files.readAllLines(pids).stream().map(String::strip).map(Long::parseLong).toList();
      assertThat(await(() -> hungPids.stream().noneMatch(ProcessStats::isAlive), Duration.ofSeconds(10)))
          .as("the shim killed the hung runtime %s", hungPids).isTrue();
    } finally {
      if (Files.exists(pids)) {
        Files.readAllLines(pids).stream().map(String::strip).map(Long::parseLong)
            .forEach(pid -> ProcessHandle.of(pid).ifPresent(ProcessHandle::destroyForcibly));
      }
      remove(hung);
      remove(survivor);
    }
  }

  /** A runc that records its pid and sleeps forever on {@code create}, and is the real runc otherwise. */
  private static Path fakeRunc(String name, Path pids) throws Exception {
    Path script = workDir.resolve("hanging-runc-" + name);
    Files.writeString(script, """
        #!/bin/sh
        for arg in "$@"; do
          if [ "$arg" = create ]; then
            echo $$ >> %s
            exec sleep 100000
          fi
        done
        exec /usr/sbin/runc "$@"
        """.formatted(pids));
    Files.setPosixFilePermissions(script, PosixFilePermissions.fromString("rwxr-xr-x"));
    return script;
  }
}
