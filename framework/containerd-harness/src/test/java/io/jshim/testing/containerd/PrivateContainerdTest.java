package io.jshim.testing.containerd;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

@Timeout(120)
class PrivateContainerdTest {
  private static final String GO_SHIM = "io.containerd.runc.v2";

  @Test
  void startsOwnContainerdThatAnswersAndLeavesNothingBehindAfterClose() {
    PrivateContainerd containerd = PrivateContainerd.builder().start();
    long pid = containerd.pid();
    Path dir = containerd.directory();
    try {
      assertThat(containerd.address()).isNotEqualTo(Path.of("/run/containerd/containerd.sock"));
      assertThat(containerd.address()).startsWith(dir);
      CommandResult version = containerd.ctr(containerd.newNamespace()).ctr("version").orThrow();
      assertThat(version.stdout()).contains("Server:").contains("1.6");
      assertThat(Files.readString(dir.resolve("config.toml"))).contains("disabled_plugins = [\"io.containerd.grpc.v1.cri\"]");
      assertThat(containerd.log()).contains("containerd successfully booted");
    } catch (java.io.IOException e) {
      throw new AssertionError(e);
    } finally {
      containerd.close();
    }
    assertThat(ProcessStats.isAlive(pid)).as("containerd pid %s after close", pid).isFalse();
    assertThat(dir).doesNotExist();
  }

  @Test
  void runsAContainerThroughTheGoShimAndKillsItsShimOnClose() throws Exception {
    long shimPid;
    Path dir;
    String namespace;
    try (PrivateContainerd containerd = PrivateContainerd.builder().start()) {
      dir = containerd.directory();
      namespace = containerd.newNamespace();
      Ctr ctr = containerd.ctr(namespace);
      assertThat(ctr.run(GO_SHIM, "hello", "/bin/echo", "hello").orThrow().stdout()).isEqualTo("hello\n");

      ctr.run(ContainerRun.of(GO_SHIM, "sleeper", "/bin/sleep", "600").detached()).orThrow();
      ShimProcess shim = containerd.shims().await(namespace, "sleeper", Duration.ofSeconds(10));
      shimPid = shim.pid();
      assertThat(shim.socket().toString()).startsWith("/run/containerd/s/");
      assertThat(shim.argv()).contains("-address", containerd.address().toString(), "-debug");
      assertThat(shim.openFds()).isPositive();
      assertThat(shim.threads()).isPositive();
      assertThat(containerd.shims().pids()).contains(shimPid);
      assertThat(ctr.taskStatus("sleeper")).contains("RUNNING");
      assertThat(NamespaceCgroups.ROOT.resolve("memory").resolve(namespace).resolve("sleeper")).isDirectory();
      // left running on purpose: close() must clean it up
    }
    assertThat(new NamespaceCgroups(NamespaceCgroups.ROOT, Duration.ZERO).of(namespace))
        .as("cgroups of namespace %s after close", namespace).isEmpty();
    assertThat(ProcessStats.isAlive(shimPid)).as("shim pid %s after close", shimPid).isFalse();
    assertThat(Mounts.under(dir)).isEmpty();
    assertThat(dir).doesNotExist();
  }

  @Test
  void eventsStreamSeesTaskLifecycleInOrder() {
    try (PrivateContainerd containerd = PrivateContainerd.builder().start()) {
      String namespace = containerd.newNamespace();
      Ctr ctr = containerd.ctr(namespace);
      try (CtrEvents events = ctr.events()) {
        assertThat(ctr.run(GO_SHIM, "seven", "/bin/sh", "-c", "exit 7").exitCode()).isEqualTo(7);
        CtrEvent exit = events.await(namespace, "/tasks/exit", "\"container_id\":\"seven\"", Duration.ofSeconds(10));
        assertThat(exit.field("exit_status")).contains("7");
        events.await(namespace, "/tasks/delete", "\"container_id\":\"seven\"", Duration.ofSeconds(10));
        assertThat(events.events(namespace).stream().map(CtrEvent::topic).filter(t -> t.startsWith("/tasks/")))
            .containsSubsequence("/tasks/create", "/tasks/start", "/tasks/exit", "/tasks/delete");
      }
    }
  }

  @Test
  void runtimeDirIsPrependedToContainerdPath() throws Exception {
    Path bin = Files.createTempDirectory("jshim-harness-bin-");
    try (PrivateContainerd containerd = PrivateContainerd.builder().runtimeDir(bin).start()) {
      String environ = Files.readString(Path.of("/proc", Long.toString(containerd.pid()), "environ"));
      assertThat(environ).contains("PATH=" + bin + ":");
    } finally {
      Files.delete(bin);
    }
  }
}
