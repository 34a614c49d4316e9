package io.jshim.dist.launcher;

import static org.assertj.core.api.Assertions.assertThat;

import io.jshim.dist.testing.HostProcess;
import io.jshim.dist.testing.ShimUnderTest;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * The launcher's identity of an installation ({@code lib/jshim/sh/identity.sh}), which decides whether a start may
 * join a serving daemon or claim a warm spare: the fingerprint changes with the configuration file, a jar, the
 * launcher and {@code JSHIM_JAVA_OPTS} (an edit that keeps the size too); the installation key is the one install's
 * {@code spares.sh} derives. (A configuration with substitutions or includes is refused a join by the daemon, which
 * then publishes no record: ShimConfigTest, SpareJoinIT.)
 */
@Timeout(60)
class IdentityIT {
  private static final Path INSTALL_SCRIPTS = Path.of(System.getProperty("basedir", ".")).toAbsolutePath()
      .resolve("src/install");

  @TempDir
  Path home;
  private Path config;
  private Path launcher;

  @BeforeEach
  void installation() throws IOException {
    Files.createDirectories(home.resolve("lib/jshim/lib"));
    Files.writeString(home.resolve("lib/jshim/lib/a.jar"), "a");
    Files.writeString(home.resolve("lib/jshim/lib/b.jar"), "b");
    launcher = Files.createDirectories(home.resolve("bin")).resolve("containerd-shim-jrunc-v2");
    Files.writeString(launcher, "#!/bin/sh\n");
    config = Files.createDirectories(home.resolve("etc")).resolve("jshim.conf");
    Files.writeString(config, "jshim.grouping = namespace\n");
  }

  @Test
  void theFingerprintFollowsTheConfigurationTheJarsTheLauncherAndTheJvmOptions() throws Exception {
    Identity first = identity(Map.of());
    assertThat(first.fingerprint()).matches("[0-9]{1,10}-[0-9]+").isEqualTo(first.exported());
    assertThat(identity(Map.of())).as("the same installation, again").isEqualTo(first);

    Files.writeString(config, "jshim.grouping = sandbox\n");
    Identity edited = identity(Map.of());
    assertThat(edited.fingerprint()).as("after a configuration edit").isNotEqualTo(first.fingerprint());

    Files.writeString(home.resolve("lib/jshim/lib/b.jar"), "b2");
    Identity jar = identity(Map.of());
    assertThat(jar.fingerprint()).as("after a jar was replaced").isNotEqualTo(edited.fingerprint());

    Files.writeString(launcher, "#!/bin/sh\n# another launcher\n");
    Identity relaunched = identity(Map.of());
    assertThat(relaunched.fingerprint()).as("after the launcher changed").isNotEqualTo(jar.fingerprint());

    assertThat(identity(Map.of("JSHIM_JAVA_OPTS", "-Xlog:gc")).fingerprint()).as("with other JVM options")
        .isNotEqualTo(relaunched.fingerprint());
    assertThat(relaunched.key()).as("the installation key does not change with its contents").isEqualTo(first.key());
  }

  @Test
  void anEditThatKeepsTheSizeStillChangesTheFingerprint() throws Exception {
    Identity before = identity(Map.of());
    Files.writeString(config, "jshim.grouping = namespacE\n");
    assertThat(identity(Map.of()).fingerprint()).isNotEqualTo(before.fingerprint());
  }

  @Test
  void theInstallationKeyIsTheOneInstallsSparesScriptDerives() throws Exception {
    // spares.sh stops the spares of PREFIX in <run>/<key>/; it prints nothing when that dir does not exist, so give
    // it a run dir holding exactly the key identity.sh derives and see it removed
    String key = identity(Map.of()).key();
    Path run = Files.createDirectories(home.resolve("spare-run"));
    Files.createDirectories(run.resolve(key));
    HostProcess spares = HostProcess.run(List.of("/bin/sh", INSTALL_SCRIPTS.resolve("spares.sh").toString(),
        home.toString()), home, Map.of("JSHIM_SPARE_RUN", run.toString()), Duration.ofSeconds(30));

    assertThat(spares.code()).as(spares.stdoutText() + spares.stderr()).isZero();
    assertThat(run.resolve(key)).as("the spare dir of key %s", key).doesNotExist();
  }

  private record Identity(String key, String fingerprint, String exported) {
  }

  /** Sources identity.sh as the launcher does (self, home, lib set) and runs jshim_identity. */
  private Identity identity(Map<String, String> extraEnv) throws Exception {
    Path script = ShimUnderTest.JRUNC.binary().getParent().resolveSibling("lib/jshim/sh/identity.sh");
    Map<String, String> env = new HashMap<>(extraEnv);
    env.put("JSHIM_CONFIG", config.toString());
    env.put("PATH", "/usr/sbin:/usr/bin:/sbin:/bin");
    HostProcess shell = HostProcess.run(List.of("/bin/sh", "-c",
        "self=$1; home=$2; lib=$2/lib/jshim; . \"$0\"; jshim_identity || exit 9; jshim_installation_key || exit 8; "
            + "printf '%s\\n%s\\n%s\\n' \"$jshim_key\" \"$jshim_fp\" \"${JSHIM_FINGERPRINT:-}\"",
        script.toString(), launcher.toString(), home.toString()), home, env, Duration.ofSeconds(10));
    assertThat(shell.code()).as(shell.stderr()).isZero();
    List<String> lines = shell.stdoutText().lines().toList();
    assertThat(lines).hasSize(3);
    return new Identity(lines.get(0), lines.get(1), lines.get(2));
  }
}
