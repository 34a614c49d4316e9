package io.jshim.dist.launcher;

import static org.assertj.core.api.Assertions.assertThat;

import io.jshim.dist.testing.HostProcess;
import io.jshim.dist.testing.ShimUnderTest;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * The launcher script itself. {@code delete} for a task the daemon already deleted: the recorded
 * {@code DeleteResponse} ({@code BUNDLE/jshim-deleted}) byte for byte, without starting a JVM. {@code start}: a JVM
 * that fails before it serves (a bad JVM flag, invalid HOCON naming its field) makes the launcher fail with its
 * output and leaves nothing in the bundle and no relay FIFO behind (the
 * serving path is run by every jrunc end-to-end test; {@code DaemonProcessIT} checks the daemon it leaves). The
 * JVM is made to fail here (an unknown {@code -XX} flag through {@code JSHIM_JAVA_OPTS}), so an answer proves no
 * JVM ran, and the cases that must reach Java (no record, {@code -debug}, {@code -debug-socket}) fail.
 */
@Timeout(60)
class LauncherIT {
  private static final byte[] RECORD = {0x08, 0x2a, 0x10, (byte) 0x89, 0x01};

  @TempDir
  Path dir;
  private Path bundle;

  @BeforeEach
  void bundleWithRecord() throws IOException {
    ShimUnderTest.JRUNC.requireBinary();
    bundle = Files.createDirectories(dir.resolve("bundle"));
    Files.write(bundle.resolve("jshim-deleted"), RECORD);
  }

  @Test
  void answersFromTheRecordNamedByDashBundle() throws Exception {
    HostProcess result = delete(dir, "-namespace", "ns", "-address", "/run/none.sock", "-id", "t1", "-bundle",
        bundle.toString(), "delete");

    assertThat(result.code()).as(result.stderr()).isZero();
    assertThat(result.stdout()).isEqualTo(RECORD);
  }

  @Test
  void answersFromTheRecordNamedByBundleEqualsOrTheWorkingDirectory() throws Exception {
    HostProcess equals = delete(dir, "-id", "t1", "-bundle=" + bundle, "delete");
    HostProcess cwd = delete(bundle, "-namespace", "ns", "-id", "t1", "delete");

    assertThat(equals.code()).as(equals.stderr()).isZero();
    assertThat(equals.stdout()).isEqualTo(RECORD);
    assertThat(cwd.code()).as(cwd.stderr()).isZero();
    assertThat(cwd.stdout()).isEqualTo(RECORD);
  }

  @Test
  void withoutARecordTheJvmRunsTheDelete() throws Exception {
    Files.delete(bundle.resolve("jshim-deleted"));

    HostProcess result = delete(dir, "-id", "t1", "-bundle", bundle.toString(), "delete");

    assertThat(result.code()).isNotZero();
    assertThat(result.stderr()).contains("JSHIM_BOGUS_FLAG");
  }

  @Test
  void debugFlagsSendTheDeleteToTheJvmWhichAlsoRemovesDebugSockets() throws Exception {
    HostProcess debug = delete(dir, "-debug", "-id", "t1", "-bundle", bundle.toString(), "delete");
    HostProcess socket = delete(dir, "-debug-socket", dir.resolve("d.sock").toString(), "-id", "t1", "-bundle",
        bundle.toString(), "delete");

    assertThat(debug.code()).isNotZero();
    assertThat(debug.stderr()).contains("JSHIM_BOGUS_FLAG");
    assertThat(socket.code()).isNotZero();
    assertThat(socket.stderr()).contains("JSHIM_BOGUS_FLAG");
  }

  @Test
  void aStartWhoseJvmFailsFailsWithTheJvmsOutputAndLeavesNoRelayBehind() throws Exception {
    Path tmp = Files.createDirectories(dir.resolve("tmp"));

    HostProcess result = run(bundle, Map.of("TMPDIR", tmp.toString()), "-namespace", "ns", "-address",
        dir.resolve("containerd.sock").toString(), "-id", "t1", "start");

    assertThat(result.code()).isNotZero();
    assertThat(result.stdoutText()).contains("JSHIM_BOGUS_FLAG");
    try (var left = Files.list(tmp)) {
      assertThat(left).as("relay FIFO dirs left in TMPDIR").isEmpty();
    }
    assertThat(bundle.resolve("address")).doesNotExist();
  }

  @Test
  void aStartWithInvalidHoconFailsNamingTheFieldAndLeavesNothingBehind() throws Exception {
    Path tmp = Files.createDirectories(dir.resolve("tmp"));
    Path config = dir.resolve("bad.conf");
    Files.writeString(config, "jshim { grouping = pods }\n");
    Files.delete(bundle.resolve("jshim-deleted"));
    Path containerdSocket = dir.resolve("containerd.sock");

    HostProcess result = runWithJvm(bundle, Map.of("TMPDIR", tmp.toString(), "JSHIM_CONFIG", config.toString()),
        "-namespace", "ns", "-address", containerdSocket.toString(), "-id", "t1", "start");

    assertThat(result.code()).isNotZero();
    assertThat(result.stdoutText()).startsWith("io.containerd.jrunc.v2: ")
        .contains("grouping must be sandbox, namespace or none, got \"pods\"").doesNotContain("jshim: started");
    try (var left = Files.list(bundle)) {
      assertThat(left).as("left in the bundle").isEmpty();
    }
    try (var left = Files.list(tmp)) {
      assertThat(left).as("relay FIFO dirs left in TMPDIR").isEmpty();
    }
  }

  @Test
  void aStartWithoutStdinStillRunsTheJvm() throws Exception {
    List<String> command = List.of("/bin/sh", "-c", "exec \"$0\" \"$@\" <&-", ShimUnderTest.JRUNC.binary().toString(),
        "-namespace", "ns", "-address", dir.resolve("containerd.sock").toString(), "-id", "t1", "start");

    HostProcess result = HostProcess.run(command, bundle, Map.of("JSHIM_JAVA_OPTS", "-XX:+JSHIM_BOGUS_FLAG"),
        Duration.ofSeconds(30));

    assertThat(result.stdoutText() + result.stderr()).contains("JSHIM_BOGUS_FLAG").doesNotContain("Bad file descriptor");
  }

  private static HostProcess delete(Path workDir, String... args) throws Exception {
    return run(workDir, Map.of(), args);
  }

  private static HostProcess run(Path workDir, Map<String, String> env, String... args) throws Exception {
    Map<String, String> withBogusJvmFlag = new HashMap<>(env);
    withBogusJvmFlag.put("JSHIM_JAVA_OPTS", "-XX:+JSHIM_BOGUS_FLAG");
    return runWithJvm(workDir, withBogusJvmFlag, args);
  }

  /** The launcher with a JVM that runs (no bogus flag). */
  private static HostProcess runWithJvm(Path workDir, Map<String, String> env, String... args) throws Exception {
    List<String> command = new ArrayList<>();
    command.add(ShimUnderTest.JRUNC.binary().toString());
    command.addAll(List.of(args));
    return HostProcess.run(command, workDir, env, Duration.ofSeconds(30));
  }
}
