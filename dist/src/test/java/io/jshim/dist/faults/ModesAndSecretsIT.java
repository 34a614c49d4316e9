package io.jshim.dist.faults;

import static org.assertj.core.api.Assertions.assertThat;

import io.jshim.dist.testing.ShimUnderTest;
import io.jshim.dist.testing.Spares;
import io.jshim.dist.testing.SparesOff;
import io.jshim.testing.containerd.CommandResult;
import io.jshim.testing.containerd.ContainerRun;
import io.jshim.testing.containerd.Ctr;
import io.jshim.testing.containerd.PrivateContainerd;
import io.jshim.testing.containerd.ShimProcess;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFileAttributes;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Duration;
import java.util.HexFormat;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.ThreadLocalRandom;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Security 9: what the shim leaves on disk and in logs. jrunc creates the bundle files, runc state and socket with
 * the Go shim's modes (compared side by side); its debug socket exists only when containerd runs it with
 * {@code -debug}; and with containerd at log level info, no environment value of a container or exec process
 * (a {@code SECRET=...}) appears in containerd's log (which holds the shim's log FIFO) or a log file in the bundle.
 */
class ModesAndSecretsIT extends FaultBase {
  private static final Logger LOG = LoggerFactory.getLogger(ModesAndSecretsIT.class);

  @Test
  void jruncCreatesFilesWithTheGoShimsModesAndServesDebugOnlyWithDebug() throws Exception {
    Map<String, String> go = modesOfARunningContainer(ShimUnderTest.GO_RUNC);
    Map<String, String> jrunc = modesOfARunningContainer(ShimUnderTest.JRUNC);
    LOG.info("msg=\"modes\" go={} jrunc={}", go, jrunc);
    Map<String, String> common = new TreeMap<>(jrunc);
    common.keySet().retainAll(go.keySet());
    assertThat(common.keySet()).contains("bundle/", "bundle/address", "bundle/config.json", "runc-state/", "socket");
    common.forEach((name, mode) -> assertThat(mode).as("mode of %s (Go: %s)", name, go.get(name)).isEqualTo(go.get(name)));
    assertThat(jrunc).as("jrunc runs with -debug here (containerd at debug level)").containsKey("debug-socket");
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("shims")
  void atInfoLevelNoDebugSocketAndNoSecretInLogs(ShimUnderTest shim) throws Exception {
    shim.requireBinary();
    String secret = "jshim-secret-" + HexFormat.of().toHexDigits(ThreadLocalRandom.current().nextLong());
    try (PrivateContainerd quiet = PrivateContainerd.builder().logLevel("info").runtimeDir(ShimUnderTest.jruncBinDir()).start()) {
      Ctr quietCtr = quiet.ctr(quiet.newNamespace()).withTimeout(Duration.ofSeconds(60));
      String id = id(shim, "secret");
      quietCtr.run(ContainerRun.of(shim.runtime(), id, "/bin/sleep", "600").withFlags("--env", "SECRET=" + secret).detached())
          .orThrow();
      ShimProcess daemon = quiet.shims().await(quietCtr.namespace(), id, Duration.ofSeconds(10));
      assertThat(daemon.argv()).doesNotContain("-debug");
      assertThat(Path.of(daemon.socket() + ".debug")).doesNotExist();
      // ctr 1.6 exec has no --env: the exec's process spec is a copy of the container's, SECRET included
      CommandResult echo = quietCtr.ctr(null, Duration.ofSeconds(30), java.util.List.of("task", "exec", "--exec-id", "env",
          id, "/bin/sh", "-c", "test \"$SECRET\" = " + secret + " && echo ok"));
      assertThat(echo.stdout()).as(echo.toString()).isEqualTo("ok\n");
      Path bundle = quiet.shims().bundle(quietCtr.namespace(), id);
      StringBuilder logs = new StringBuilder(quiet.log());
      try (Stream<Path> files = Files.walk(bundle)) {
        for (Path file : files.filter(f -> f.getFileName().toString().contains("log") && Files.isRegularFile(f)).toList()) {
          logs.append(Files.readString(file, StandardCharsets.UTF_8));
        }
      }
      quietCtr.forceDeleteTask(id).orThrow();
      quietCtr.deleteContainer(id).orThrow();
      logs.append(quiet.log());
      assertThat(logs.toString()).as("containerd and shim logs at info level").doesNotContain(secret);
      assertThat(logs.toString()).contains(id); // the logs were read and do talk about this container
      SparesOff.assertNoSpare(new Spares(quiet.spareRun()));
    }
  }

  /** Runs a sleeper with {@code shim} on the debug-level containerd and returns name to "type perms owner". */
  private static Map<String, String> modesOfARunningContainer(ShimUnderTest shim) throws IOException {
    String id = startSleeper(shim, "modes");
    try {
      ShimProcess daemon = containerd.shims().await(namespace, id, Duration.ofSeconds(10));
      Map<String, String> modes = new TreeMap<>();
      walk(containerd.shims().bundle(namespace, id), "bundle", modes);
      walk(PrivateContainerd.RUNC_ROOT.resolve(namespace).resolve(id), "runc-state", modes);
      modes.put("socket", describe(daemon.socket()));
      modes.put("socket-dir", describe(daemon.socket().getParent()));
      Path debug = Path.of(daemon.socket() + ".debug");
      if (Files.exists(debug, LinkOption.NOFOLLOW_LINKS)) {
        modes.put("debug-socket", describe(debug));
      }
      return modes;
    } finally {
      remove(id);
    }
  }

  private static void walk(Path root, String label, Map<String, String> modes) throws IOException {
    try (Stream<Path> paths = Files.walk(root, 2)) {
      for (Path path : paths.toList()) {
        String relative = root.relativize(path).toString();
        String name = label + "/" + relative + (Files.isDirectory(path, LinkOption.NOFOLLOW_LINKS) && !relative.isEmpty() ? "/" : "");
        modes.put(relative.isEmpty() ? label + "/" : name, describe(path));
      }
    }
  }

  private static String describe(Path path) throws IOException {
    PosixFileAttributes attributes = Files.readAttributes(path, PosixFileAttributes.class, LinkOption.NOFOLLOW_LINKS);
    String type = attributes.isDirectory() ? "d" : attributes.isSymbolicLink() ? "l" : attributes.isRegularFile() ? "-" : "s";
    return type + (attributes.isSymbolicLink() ? "" : PosixFilePermissions.toString(attributes.permissions())) + " "
        + attributes.owner().getName();
  }
}
