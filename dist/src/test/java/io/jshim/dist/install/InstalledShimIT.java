package io.jshim.dist.install;

import static org.assertj.core.api.Assertions.assertThat;

import io.jshim.dist.testing.HostProcess;
import io.jshim.testing.containerd.CommandResult;
import io.jshim.testing.containerd.ContainerRun;
import io.jshim.testing.containerd.Ctr;
import io.jshim.testing.containerd.PrivateContainerd;
import io.jshim.testing.containerd.ShimProcess;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * {@code make install} acceptance: {@code install.sh} into a temporary prefix, then a private containerd whose PATH
 * holds the prefix's {@code bin} and no JDK runs containers through the installed shim; both JVMs of the shim
 * are the prefix's private runtime with their AOT cache mapped. A copy of the installed launcher outside the prefix
 * (containerd 2.x {@code runtime_path}, a runtime named by absolute path) and a link to it run that installation,
 * containers included. {@code uninstall.sh} then leaves nothing behind, and the copy fails naming what is missing.
 */
@Timeout(300)
class InstalledShimIT {
  private static final String RUNTIME = "io.containerd.jrunc.v2";
  private static final Path SCRIPTS = Path.of(System.getProperty("basedir", ".")).toAbsolutePath().resolve("src/install");

  @Test
  void installedShimRunsContainersWithItsOwnRuntimeAndUninstallRemovesIt() throws Exception {
    Path prefix = Files.createTempDirectory("jshim-prefix-");
    Path elsewhere = Files.createTempDirectory("jshim-elsewhere-");
    try {
      CommandResult installed = script("install.sh", prefix);
      assertThat(installed.exitCode()).as(installed.toString()).isZero();
      Path java = prefix.resolve("lib/jshim/runtime/bin/java").toRealPath();
      Path copy = elsewhere.resolve("containerd-shim-jrunc-v2");
      Files.copy(prefix.resolve("bin/containerd-shim-jrunc-v2"), copy, StandardCopyOption.COPY_ATTRIBUTES);
      Path link = Files.createSymbolicLink(elsewhere.resolve("link"), prefix.resolve("bin/containerd-shim-jrunc-v2"));
      assertThat(prefix.resolve("lib/jshim/aot/delete.aot")).isNotEmptyFile();
      assertThat(prefix.resolve("lib/jshim/aot/daemon.aot")).isNotEmptyFile();
      assertThat(prefix.resolve("etc/jshim/jshim.conf")).isNotEmptyFile();

      try (PrivateContainerd containerd = PrivateContainerd.builder().runtimeDir(prefix.resolve("bin")).start()) {
        String path = environ(containerd.pid(), "PATH");
        assertThat(path).as("containerd's PATH").startsWith(prefix.resolve("bin").toString());
        // the JDK 25 that built (and runs) this test is not reachable through containerd's PATH; Debian's default
        // java (17) in /usr/bin may be, and could not run the shim's classes anyway
        Path buildJdk = Path.of(System.getProperty("java.home")).toRealPath();
        for (String dir : path.split(":")) {
          Path onPath = Path.of(dir, "java");
          if (Files.exists(onPath)) {
            assertThat(onPath.toRealPath().startsWith(buildJdk)).as("the build JDK on containerd's PATH: " + dir).isFalse();
          }
        }
        String namespace = containerd.newNamespace();
        Ctr ctr = containerd.ctr(namespace).withTimeout(Duration.ofSeconds(90));

        CommandResult hello = ctr.run(RUNTIME, "installed-echo", "/bin/echo", "hello from the installed shim");
        assertThat(hello.exitCode()).as(hello + "\n" + tail(containerd.log())).isZero();
        assertThat(hello.stdout()).isEqualTo("hello from the installed shim\n");

        ctr.run(ContainerRun.of(RUNTIME, "installed-sleeper", "/bin/sleep", "600").detached()).orThrow();
        try {
          ShimProcess shim = containerd.shims().await(namespace, "installed-sleeper", Duration.ofSeconds(30));
          assertThat(Path.of("/proc", Long.toString(shim.pid()), "exe").toRealPath()).isEqualTo(java);
          assertThat(Files.readString(Path.of("/proc", Long.toString(shim.pid()), "maps")))
              .as("the daemon maps its AOT cache").contains(prefix.resolve("lib/jshim/aot/daemon.aot").toString());
          CommandResult exec = ctr.exec("installed-sleeper", "exec-1", "/bin/sh", "-c", "echo exec");
          assertThat(exec.exitCode()).as(exec.toString()).isZero();
          assertThat(exec.stdout()).isEqualTo("exec\n");
        } finally {
          ctr.forceDeleteTask("installed-sleeper");
          ctr.deleteContainer("installed-sleeper");
        }

        // containerd 2.x `runtime_path` or a client's absolute runtime name: a copy of the launcher outside the
        // prefix (and a link to it) runs the installation it was installed with
        assertThat(version(copy).code()).as(version(copy).stderr()).isZero();
        assertThat(version(copy).stdoutText()).contains("Version:");
        assertThat(version(link).code()).as(version(link).stderr()).isZero();
        ctr.run(ContainerRun.of(copy.toString(), "copied-sleeper", "/bin/sleep", "600").detached()).orThrow();
        try {
          ShimProcess shim = containerd.shims().await(namespace, "copied-sleeper", Duration.ofSeconds(30));
          assertThat(environ(shim.pid(), "JSHIM_LAUNCHER")).as("the launcher the daemon came from").isEqualTo(copy.toString());
          assertThat(Path.of("/proc", Long.toString(shim.pid()), "exe").toRealPath()).isEqualTo(java);
          CommandResult exec = ctr.exec("copied-sleeper", "exec-1", "/bin/echo", "exec through a copy");
          assertThat(exec.exitCode()).as(exec.toString()).isZero();
          assertThat(exec.stdout()).isEqualTo("exec through a copy\n");
        } finally {
          ctr.forceDeleteTask("copied-sleeper");
          ctr.deleteContainer("copied-sleeper");
        }
      }

      CommandResult removed = script("uninstall.sh", prefix);
      assertThat(removed.exitCode()).as(removed.toString()).isZero();
      assertThat(prefix.resolve("bin/containerd-shim-jrunc-v2")).doesNotExist();
      assertThat(prefix.resolve("lib/jshim")).doesNotExist();
      assertThat(prefix.resolve("etc/jshim")).doesNotExist();
      // a copy whose installation is gone says so, in one line naming the missing directory
      HostProcess orphan = version(copy);
      assertThat(orphan.code()).isNotZero();
      assertThat(orphan.stderr().strip()).doesNotContain("\n")
          .contains(prefix.resolve("lib/jshim/lib") + " is missing").contains(copy.toString());
    } finally {
      deleteTree(prefix);
      deleteTree(elsewhere);
    }
  }

  private static HostProcess version(Path launcher) throws IOException, InterruptedException {
    return HostProcess.run(List.of(launcher.toString(), "-v"), Path.of("/"),
        Map.of("PATH", "/usr/sbin:/usr/bin:/sbin:/bin"), Duration.ofSeconds(60));
  }

  private static CommandResult script(String name, Path prefix) throws IOException, InterruptedException {
    List<String> command = List.of("/bin/sh", SCRIPTS.resolve(name).toString(), prefix.toString());
    HostProcess run = HostProcess.run(command, Path.of("."), Map.of(), Duration.ofSeconds(120));
    return new CommandResult(command, run.code(), run.stdoutText(), run.stderr());
  }

  private static String environ(long pid, String name) throws IOException {
    for (String entry : Files.readString(Path.of("/proc", Long.toString(pid), "environ")).split("\0")) {
      if (entry.startsWith(name + "=")) {
        return entry.substring(name.length() + 1);
      }
    }
    return "";
  }

  private static String tail(String log) {
    List<String> lines = new ArrayList<>(log.lines().toList());
    return String.join("\n", lines.subList(Math.max(0, lines.size() - 20), lines.size()));
  }

  private static void deleteTree(Path root) throws IOException {
    if (!Files.exists(root)) {
      return;
    }
    try (Stream<Path> paths = Files.walk(root)) {
      for (Path path : paths.sorted(Comparator.reverseOrder()).toList()) {
        Files.deleteIfExists(path);
      }
    }
  }
}
