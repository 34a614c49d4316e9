package io.jshim.dist.launcher;

import static org.assertj.core.api.Assertions.assertThat;

import io.jshim.api.task.v2.DeleteResponse;
import io.jshim.dist.testing.HostProcess;
import io.jshim.dist.testing.ShimUnderTest;
import io.jshim.framework.DeleteRecord;
import io.jshim.framework.ShimManager;
import io.jshim.framework.SocketAddress;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * The launcher's {@code delete} after a dead shim ({@code lib/jshim/sh/dead-shim-delete.sh}): with the daemon's
 * {@code BUNDLE/jshim-runc} record it runs {@code runc delete --force} with the recorded binary, root and systemd
 * flag, unmounts the rootfs, removes the debug socket and prints the {@code DeleteResponse} that Java's
 * {@link DeleteRecord} would, without a JVM (the JVM is made to fail with a bogus flag, as in {@link LauncherIT}).
 * Anything unexpected sends it to the JVM with nothing done. The recorded runc is a script that logs its arguments.
 */
@Timeout(60)
class DeadShimDeleteIT {
  private static final String BOGUS = "-XX:+JSHIM_BOGUS_FLAG";

  @TempDir
  Path dir;
  private Path bundle;
  private Path runcLog;
  private Path root;
  private final List<Path> mounted = new ArrayList<>();

  @BeforeEach
  void bundleOfADeadShim() throws IOException {
    ShimUnderTest.JRUNC.requireBinary();
    bundle = Files.createDirectories(dir.resolve("bundle"));
    runcLog = dir.resolve("runc.args");
    Path runc = dir.resolve("fake-runc");
    Files.writeString(runc, "#!/bin/sh\nfor a in \"$@\"; do printf '%s\\n' \"$a\"; done > " + runcLog + "\necho runc-stdout\n");
    assertThat(runc.toFile().setExecutable(true)).isTrue();
    root = dir.resolve("state/ns");
    record("jshim-runc 1\n" + runc + "\n" + root + "\ntrue\n");
    Files.writeString(bundle.resolve("init.pid"), "4242");
  }

  @AfterEach
  void unmount() throws Exception {
    for (int i = 0; i < 8 && stackedOnRootfs() > 0; i++) {
      HostProcess.run(List.of("umount", "-l", bundle.resolve("rootfs").toString()), dir, Map.of(), Duration.ofSeconds(10));
    }
  }

  /** @return how many mounts are stacked on BUNDLE/rootfs (mountinfo lines, not distinct points) */
  private long stackedOnRootfs() throws IOException {
    String rootfs = bundle.resolve("rootfs").toString();
    return Files.readAllLines(Path.of("/proc/self/mountinfo")).stream().map(line -> line.split(" "))
        .filter(fields -> fields.length > 4 && fields[4].equals(rootfs)).count();
  }

  @Test
  void shEncodesTheDeleteResponseByteForByteAsDeleteRecord() throws Exception {
    Path sh = ShimUnderTest.JRUNC.binary().getParent().resolveSibling("lib/jshim/sh/dead-shim-delete.sh");
    long[][] cases = {
        {0, 0, 0}, {1, 1, 1}, {42, 1796000000L, 123456789}, {127, 127, 127}, {128, 128, 128}, {16383, 16384, 999999999},
        {4194304, 2147483648L, 0}, {2097151, 253402300799L, 500000000}, {0, 1765000000L, 1}};
    for (long[] c : cases) {
      Path java = Files.createDirectories(dir.resolve("java-" + c[0] + "-" + c[1] + "-" + c[2]));
      DeleteRecord.write(java, new ShimManager.StopStatus((int) c[0], 137, Instant.ofEpochSecond(c[1], c[2])));
      HostProcess shell = HostProcess.run(List.of("/bin/sh", "-c", ". \"$0\"; jshim_delete_response \"$@\"",
          sh.toString(), Long.toString(c[0]), "137", Long.toString(c[1]), Long.toString(c[2])), dir, Map.of(),
          Duration.ofSeconds(10));

      assertThat(shell.code()).as(shell.stderr()).isZero();
      assertThat(shell.stdout()).as("pid %s, %s s, %s ns", c[0], c[1], c[2])
          .isEqualTo(Files.readAllBytes(java.resolve(DeleteRecord.FILE_NAME)));
    }
  }

  @Test
  void deletesWithTheRecordedRuncUnmountsAndAnswersWithoutAJvm() throws Exception {
    mountTwice(bundle.resolve("rootfs"));
    Path containerdSocket = dir.resolve("containerd.sock");
    Path debugSocket = SocketAddress.path(containerdSocket.toString(), "ns", "t1").resolveSibling(
        SocketAddress.path(containerdSocket.toString(), "ns", "t1").getFileName() + ".debug");
    Files.createDirectories(debugSocket.getParent());
    Files.writeString(debugSocket, "");
    Instant before = Instant.now();

    HostProcess result = delete("-namespace", "ns", "-address", containerdSocket.toString(), "-publish-binary",
        "/usr/bin/containerd", "-id", "t1", "-bundle", bundle.toString(), "delete");

    Instant after = Instant.now();
    assertThat(result.code()).as(result.stderr()).isZero();
    assertThat(result.stderr()).doesNotContain("JSHIM_BOGUS_FLAG").contains("runc-stdout");
    DeleteResponse response = DeleteResponse.parseFrom(result.stdout());
    assertThat(response.getPid()).isEqualTo(4242);
    assertThat(response.getExitStatus()).isEqualTo(137);
    Instant exitedAt = Instant.ofEpochSecond(response.getExitedAt().getSeconds(), response.getExitedAt().getNanos());
    assertThat(exitedAt).isBetween(before, after);
    assertThat(Files.readAllLines(runcLog)).containsExactly("--root", root.toString(), "--log",
        bundle.resolve("log.json").toString(), "--log-format", "json", "--systemd-cgroup", "delete", "--force", "t1");
    assertThat(stackedOnRootfs()).as("mounts left on the rootfs").isZero();
    assertThat(debugSocket).doesNotExist();
  }

  @Test
  void withoutSystemdAndInitPidFromTheWorkingDirectoryBundle() throws Exception {
    record("jshim-runc 1\n" + dir.resolve("fake-runc") + "\n" + root + "\nfalse\n");
    Files.delete(bundle.resolve("init.pid"));

    HostProcess result = HostProcess.run(List.of(ShimUnderTest.JRUNC.binary().toString(), "-namespace", "ns",
        "-id=t1", "delete"), bundle, Map.of("JSHIM_JAVA_OPTS", BOGUS), Duration.ofSeconds(30));

    assertThat(result.code()).as(result.stderr()).isZero();
    DeleteResponse response = DeleteResponse.parseFrom(result.stdout());
    assertThat(response.getPid()).as("no init.pid: Create failed before runc wrote it").isZero();
    assertThat(response.getExitStatus()).isEqualTo(137);
    assertThat(Files.readAllLines(runcLog)).containsExactly("--root", root.toString(), "--log", "./log.json",
        "--log-format", "json", "delete", "--force", "t1");
  }

  @Test
  void anythingUnexpectedGoesToTheJvmWithNothingDone() throws Exception {
    mountTwice(bundle.resolve("rootfs"));
    String runc = dir.resolve("fake-runc").toString();
    List<Runnable> setups = List.of(
        () -> record("jshim-runc 2\n" + runc + "\n" + root + "\ntrue\n"),
        () -> record("jshim-runc 1\n" + runc + "\n" + root + "\nyes\n"),
        () -> record("jshim-runc 1\n" + runc + "\n" + dir.resolve("state/other") + "\ntrue\n"),
        () -> record("jshim-runc 1\n" + runc + "\n"),
        () -> write(bundle.resolve("init.pid"), "42x"),
        () -> write(bundle.resolve("init.pid"), "0042"));
    for (Runnable setup : setups) {
      bundleOfADeadShim();
      setup.run();
      assertGoesToTheJvm("-namespace", "ns", "-id", "t1", "-bundle", bundle.toString(), "delete");
    }
    bundleOfADeadShim();
    assertGoesToTheJvm("-namespace", "ns", "-id", "t1", "-bundle", bundle.toString(), "-socket", "/run/x", "delete");
    assertGoesToTheJvm("-namespace", "ns", "-id", "t1", "-bundle", bundle.toString(), "-debug", "delete");
    assertGoesToTheJvm("-namespace", "ns", "-id", "t1", "-bundle", bundle.toString(), "-debug-socket", "/run/x",
        "delete");
    assertGoesToTheJvm("-namespace", "ns", "-address", "/run//containerd.sock", "-id", "t1", "-bundle",
        bundle.toString(), "delete");
    assertGoesToTheJvm("-namespace", "ns", "-id", "../t1", "-bundle", bundle.toString(), "delete");
    assertGoesToTheJvm("-namespace", "ns", "-id", "t1", "-bundle", bundle.toString(), "delete", "extra");
    Files.delete(bundle.resolve("jshim-runc"));
    assertGoesToTheJvm("-namespace", "ns", "-id", "t1", "-bundle", bundle.toString(), "delete");
  }

  private void assertGoesToTheJvm(String... args) throws Exception {
    HostProcess result = delete(args);

    assertThat(result.code()).as(String.join(" ", args)).isNotZero();
    assertThat(result.stderr()).as(String.join(" ", args)).contains("JSHIM_BOGUS_FLAG");
    assertThat(runcLog).as("runc ran for %s", String.join(" ", args)).doesNotExist();
    assertThat(stackedOnRootfs()).as("mounts after %s", String.join(" ", args)).isEqualTo(2);
  }

  private void record(String text) {
    write(bundle.resolve("jshim-runc"), text);
  }

  private static void write(Path file, String text) {
    try {
      Files.writeString(file, text);
    } catch (IOException e) {
      throw new java.io.UncheckedIOException(e);
    }
  }

  private void mountTwice(Path rootfs) throws Exception {
    Files.createDirectories(rootfs);
    for (String layer : List.of("lower", "upper")) {
      Path source = Files.createDirectories(dir.resolve(layer));
      HostProcess mount = HostProcess.run(List.of("mount", "--bind", source.toString(), rootfs.toString()), dir,
          Map.of(), Duration.ofSeconds(10));
      assertThat(mount.code()).as(mount.stderr()).isZero();
    }
    assertThat(stackedOnRootfs()).isEqualTo(2);
  }

  private HostProcess delete(String... args) throws Exception {
    List<String> command = new ArrayList<>();
    command.add(ShimUnderTest.JRUNC.binary().toString());
    command.addAll(List.of(args));
    return HostProcess.run(command, dir, Map.of("JSHIM_JAVA_OPTS", BOGUS), Duration.ofSeconds(30));
  }
}
