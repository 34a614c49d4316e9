package io.jshim.dist.launcher;

import static org.assertj.core.api.Assertions.assertThat;

import io.jshim.api.task.v2.ConnectRequest;
import io.jshim.api.task.v2.ConnectResponse;
import io.jshim.api.task.v2.TaskTtrpc;
import io.jshim.dist.testing.HostProcess;
import io.jshim.framework.JoinRecord;
import io.jshim.framework.SocketAddress;
import io.jshim.testing.containerd.ContainerRun;
import io.jshim.testing.containerd.Ctr;
import io.jshim.testing.containerd.PrivateContainerd;
import io.jshim.testing.containerd.ShimProcess;
import io.jshim.ttrpc.TtrpcClient;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * Issue 13 item 1: {@code start} of a task whose group's daemon serves is answered by the launcher
 * ({@code lib/jshim/sh/join-group.sh}) without a JVM, from the record the daemon publishes
 * ({@link JoinRecord}). On an installation made by {@code install.sh} into a temporary prefix (its configuration
 * is the prefix's {@code etc/jshim/jshim.conf}), whose Java runtime can be swapped for a {@code java} that only
 * leaves a marker and fails: a start that succeeds while that marker stays absent ran no JVM; a start that had to
 * take the JVM path leaves the marker (and fails, there being no JVM). Under a real containerd ({@code ctr run})
 * for namespace and sandbox (CRI annotation) grouping, and driven as containerd drives it for the output formats
 * (compared with what the Java start prints) and every reason to refuse a join.
 */
@Timeout(300)
class JoinIT {
  private static final Path SCRIPTS = Path.of(System.getProperty("basedir", ".")).toAbsolutePath().resolve("src/install");
  private static final String RUNTIME = "io.containerd.jrunc.v2";
  private static final String SANDBOX = "io.kubernetes.cri.sandbox-id";

  private static Path prefix;
  private static Path javaBinary;
  private static Path marker;
  private Path dir;
  private final List<Long> daemons = new ArrayList<>();

  @BeforeAll
  static void install() throws Exception {
    prefix = Files.createTempDirectory("jshim-join-prefix-");
    HostProcess installed = HostProcess.run(List.of("/bin/sh", SCRIPTS.resolve("install.sh").toString(),
        prefix.toString()), Path.of("."), Map.of(), Duration.ofSeconds(120));
    assertThat(installed.code()).as(installed.stdoutText() + installed.stderr()).isZero();
    javaBinary = prefix.resolve("lib/jshim/runtime/bin/java");
    marker = prefix.resolve("jvm-started");
  }

  @AfterAll
  static void uninstall() throws Exception {
    if (prefix != null) {
      jvm(true);
      HostProcess.run(List.of("/bin/sh", SCRIPTS.resolve("uninstall.sh").toString(), prefix.toString()), Path.of("."),
          Map.of(), Duration.ofSeconds(60));
      deleteTree(prefix);
    }
  }

  @BeforeEach
  void workDir() throws IOException {
    jvm(true);
    Files.deleteIfExists(marker);
    dir = Files.createTempDirectory("jshim-join-");
  }

  @AfterEach
  void stopDaemons() throws Exception {
    jvm(true);
    for (long pid : daemons) {
      ProcessHandle.of(pid).ifPresent(p -> {
        p.destroy();
        p.onExit().orTimeout(20, TimeUnit.SECONDS).exceptionally(e -> {
          p.destroyForcibly();
          return p;
        }).join();
      });
    }
    deleteTree(dir);
  }

  @Test
  void namespaceGroupingJoinsTheServingDaemonWithoutAJvm() throws Exception {
    config("jshim { grouping = namespace }\n");
    try (PrivateContainerd containerd = PrivateContainerd.builder().runtimeDir(prefix.resolve("bin")).start()) {
      String namespace = containerd.newNamespace();
      Ctr ctr = containerd.ctr(namespace).withTimeout(Duration.ofSeconds(60));
      try {
        ctr.run(ContainerRun.of(RUNTIME, "first", "/bin/sleep", "600").detached()).orThrow();
        ShimProcess daemon = containerd.shims().await(namespace, "first", Duration.ofSeconds(30));
        assertThat(JoinRecord.DIR.resolve(JoinRecord.name(containerd.address().toString(), namespace,
            "jshim-namespace").orElseThrow())).exists();
        jvm(false);

        ctr.run(ContainerRun.of(RUNTIME, "second", "/bin/sleep", "600").detached()).orThrow();
        var echo = ctr.run(RUNTIME, "third", "/bin/echo", "joined");

        assertThat(echo.exitCode()).as(echo.toString()).isZero();
        assertThat(echo.stdout()).isEqualTo("joined\n");
        assertServedBy(containerd, namespace, "second", daemon);
        assertThat(marker).as("a JVM was started: %s", markerText()).doesNotExist();
      } finally {
        jvm(true);
        for (String id : List.of("first", "second", "third")) {
          ctr.forceDeleteTask(id);
          ctr.deleteContainer(id);
        }
      }
    }
  }

  @Test
  void sandboxGroupingJoinsByTheCriAnnotationAndNeverAnotherSandbox() throws Exception {
    config("jshim { grouping = sandbox }\n");
    try (PrivateContainerd containerd = PrivateContainerd.builder().runtimeDir(prefix.resolve("bin")).start()) {
      String namespace = containerd.newNamespace();
      Ctr ctr = containerd.ctr(namespace).withTimeout(Duration.ofSeconds(60));
      try {
        ctr.run(ContainerRun.of(RUNTIME, "pod-a-sandbox", "/bin/sleep", "600")
            .withFlags("--annotation", SANDBOX + "=pod-a").detached()).orThrow();
        ShimProcess daemon = containerd.shims().await(namespace, "pod-a-sandbox", Duration.ofSeconds(30));
        jvm(false);

        ctr.run(ContainerRun.of(RUNTIME, "pod-a-app", "/bin/sleep", "600")
            .withFlags("--annotation", SANDBOX + "=pod-a").detached()).orThrow();

        assertServedBy(containerd, namespace, "pod-a-app", daemon);
        assertThat(marker).as("a JVM was started: %s", markerText()).doesNotExist();

        var other = ctr.run(ContainerRun.of(RUNTIME, "pod-b-sandbox", "/bin/sleep", "600")
            .withFlags("--annotation", SANDBOX + "=pod-b").detached());

        assertThat(other.exitCode()).as("another sandbox needs its own daemon: the JVM path").isNotZero();
        assertThat(marker).exists();
      } finally {
        jvm(true);
        for (String id : List.of("pod-a-sandbox", "pod-a-app", "pod-b-sandbox")) {
          ctr.forceDeleteTask(id);
          ctr.deleteContainer(id);
        }
      }
    }
  }

  @Test
  void answersAsTheJavaStartDoesPlainJsonV2AndV3() throws Exception {
    config("jshim {\n  grouping = namespace\n  address-version = 3\n}\n");
    String address = startDaemon("{\"ociVersion\":\"1.0.2\",\"annotations\":{}}", "jshim-namespace");
    Map<String, String> maxVersions = new HashMap<>();
    maxVersions.put("plain", null);
    maxVersions.put("json2", "2");
    maxVersions.put("json3", "3");
    for (var max : maxVersions.entrySet()) {
      Map<String, String> env = max.getValue() == null ? Map.of() : Map.of("MAX_SHIM_VERSION", max.getValue());
      // the Java start joining the same daemon (another JSHIM_JAVA_OPTS: another fingerprint, so no sh join)
      Path javaBundle = bundle("java-" + max.getKey(), "{\"annotations\":{}}");
      Map<String, String> javaEnv = new HashMap<>(env);
      javaEnv.put("JSHIM_JAVA_OPTS", "-Djshim.test=1");
      HostProcess byJava = start(javaBundle, "java-" + max.getKey(), javaEnv);
      assertThat(byJava.code()).as(byJava.stdoutText() + byJava.stderr()).isZero();

      jvm(false);
      Path shBundle = bundle("sh-" + max.getKey(), "{\"annotations\":{}}");
      HostProcess bySh = start(shBundle, "sh-" + max.getKey(), env);
      jvm(true);

      assertThat(bySh.code()).as(bySh.stdoutText() + bySh.stderr()).isZero();
      assertThat(marker).doesNotExist();
      assertThat(bySh.stdoutText()).as(max.getKey()).isEqualTo(byJava.stdoutText());
      assertThat(Files.readString(shBundle.resolve("address"))).isEqualTo(address);
      for (String file : List.of("address", "bootstrap.json")) {
        assertThat(Files.readString(shBundle.resolve(file))).as(file).isEqualTo(Files.readString(javaBundle.resolve(file)));
      }
      try (Stream<Path> files = Files.list(shBundle)) {
        assertThat(files.map(p -> p.getFileName().toString())).containsExactlyInAnyOrder("config.json", "address",
            "bootstrap.json");
      }
    }
    assertThat(startOutput(null)).isEqualTo(address);
    assertThat(startOutput("2")).isEqualTo("{\"version\":2,\"address\":\"" + address + "\",\"protocol\":\"ttrpc\"}");
    assertThat(startOutput("3")).isEqualTo("{\"version\":3,\"address\":\"" + address + "\",\"protocol\":\"ttrpc\"}");
  }

  @Test
  void aDaemonWhoseConfigurationHasASubstitutionPublishesNoRecord() throws Exception {
    // its settings may follow the environment, which a later start's may not share: no JVM-less join
    config("jshim.grouping = sandbox\njshim.grouping = ${?JSHIM_UNSET_IN_THIS_TEST}\n");
    Path bundle = bundle("subst", "{\"annotations\":{\"" + SANDBOX + "\":\"pod-s\"}}");
    StringBuffer logged = readLogFifo(bundle);
    HostProcess result = start(bundle, "subst", Map.of());
    assertThat(result.code()).as(result.stdoutText() + result.stderr()).isZero();
    try (TtrpcClient client = TtrpcClient.connect(SocketAddress.pathOf(result.stdoutText().strip()))) {
      ConnectResponse connected = TaskTtrpc.newBlockingStub(client).withDeadline(Duration.ofSeconds(10))
          .connect(ConnectRequest.newBuilder().setId("subst").build());
      daemons.add((long) connected.getShimPid());
    }
    // the daemon logs that it serves once it published (or not) its record
    long deadline = System.nanoTime() + Duration.ofSeconds(20).toNanos();
    while (!logged.toString().contains("shim daemon serving") && System.nanoTime() < deadline) {
      Thread.sleep(20);
    }
    assertThat(logged.toString()).contains("shim daemon serving");
    assertThat(record("pod-s")).as("serving, unpublished").doesNotExist();
  }

  @Test
  void inDoubtTheJvmStarts() throws Exception {
    config("jshim { grouping = sandbox }\n");
    startDaemon("{\"annotations\":{\"" + SANDBOX + "\":\"pod-x\"}}", "pod-x");
    Path record = record("pod-x");
    jvm(false);
    assertJoins("{\"ociVersion\":\"1.0.2\",\"annotations\":{\"a\":\"b\",\"" + SANDBOX + "\" : \"pod-x\"},\"linux\":{}}");

    // ambiguous or unusual annotations
    assertTakesTheJvmPath("{\"annotations\":{\"" + SANDBOX + "\":\"pod-x\",\"" + SANDBOX + "\":\"pod-x\"}}", Map.of());
    assertTakesTheJvmPath("{\"annotations\":{\"" + SANDBOX + "\":\"pod\\u002dx\"}}", Map.of());
    assertTakesTheJvmPath("{\"annotations\":{\"" + SANDBOX + "\":\"pod-x}\"}}", Map.of());
    assertTakesTheJvmPath("{\"annotations\":{\"" + SANDBOX + "\":\"pod/x\"}}", Map.of());
    assertTakesTheJvmPath("{\n  \"annotations\": {\n    \"" + SANDBOX + "\": \"pod-x\"\n  }\n}", Map.of());
    assertTakesTheJvmPath("{\"annotations\":{\"" + SANDBOX + "\":\"pod-x\"},\"annotations\":{}}", Map.of());
    // a higher-priority label names another group
    assertTakesTheJvmPath("{\"annotations\":{\"" + SANDBOX + "\":\"pod-x\",\"io.containerd.runc.v2.group\":\"g\"}}", Map.of());
    // another configuration or installation, runtime options on stdin, flags it does not know
    assertTakesTheJvmPath(podX(), Map.of("JSHIM_JAVA_OPTS", "-Dother=1"));
    assertTakesTheJvmPath(podX(), Map.of("MAX_SHIM_VERSION", "2x"));
    assertThat(run(List.of("/bin/sh", "-c", "echo options | \"$0\" \"$@\"", launcher(), "-namespace", "ns",
        "-address", containerdAddress(), "-id", "stdin", "start"), bundle("stdin", podX()), Map.of()).code()).isNotZero();
    assertThat(marker).exists();
    Files.delete(marker);
    assertThat(start(bundle("flag", podX()), "flag", Map.of(), "-socket", "/run/x.sock").code()).isNotZero();
    assertThat(marker).exists();
    Files.delete(marker);

    // a record of a reused pid (another start time), of a dead pid, of another grouping: stale
    List<String> lines = Files.readAllLines(record);
    rewrite(record, lines, 2, "1");
    assertTakesTheJvmPath(podX(), Map.of());
    rewrite(record, lines, 1, Long.toString(ProcessHandle.current().pid()));
    assertTakesTheJvmPath(podX(), Map.of());
    rewrite(record, lines, 3, "namespace");
    assertTakesTheJvmPath(podX(), Map.of());
    rewrite(record, lines, 0, lines.get(0));
    assertJoins(podX());

    // the daemon's shutdown removes the record; a killed daemon leaves it, dead
    long pid = Long.parseLong(lines.get(1));
    ProcessHandle daemon = ProcessHandle.of(pid).orElseThrow();
    daemon.destroy();
    daemon.onExit().get();
    assertThat(record).doesNotExist();
    Files.write(record, lines);
    assertTakesTheJvmPath(podX(), Map.of());
    Files.delete(record);
  }

  /** The task's bundle names the daemon's socket, and that daemon is the only shim. */
  private static void assertServedBy(PrivateContainerd containerd, String namespace, String id, ShimProcess daemon)
      throws IOException {
    assertThat(Files.readString(containerd.shims().bundle(namespace, id).resolve("address")))
        .isEqualTo("unix://" + daemon.socket());
    assertThat(containerd.shims().pids()).containsExactly(daemon.pid());
    assertThat(ProcessHandle.of(daemon.pid())).isPresent();
  }

  private static String markerText() {
    try {
      return Files.exists(marker) ? Files.readString(marker) : "";
    } catch (IOException e) {
      return e.toString();
    }
  }

  private static String podX() {
    return "{\"annotations\":{\"" + SANDBOX + "\":\"pod-x\"}}";
  }

  private void assertJoins(String config) throws Exception {
    String id = "join-" + System.nanoTime();
    HostProcess result = start(bundle(id, config), id, Map.of());
    assertThat(result.code()).as(config + ": " + result.stdoutText() + result.stderr()).isZero();
    assertThat(marker).as(config).doesNotExist();
  }

  private void assertTakesTheJvmPath(String config, Map<String, String> env) throws Exception {
    String id = "jvm-" + System.nanoTime();
    Path bundle = bundle(id, config);
    HostProcess result = start(bundle, id, env);
    assertThat(result.code()).as(config + " " + env + ": " + result.stdoutText()).isNotZero();
    assertThat(marker).as("the JVM path for %s %s", config, env).exists();
    assertThat(bundle.resolve("address")).doesNotExist();
    Files.delete(marker);
  }

  private static void rewrite(Path record, List<String> lines, int index, String value) throws IOException {
    List<String> changed = new ArrayList<>(lines);
    changed.set(index, value);
    Files.write(record, changed);
  }

  private String startOutput(String maxShimVersion) throws Exception {
    jvm(false);
    try {
      String id = "out-" + System.nanoTime();
      HostProcess result = start(bundle(id, "{}"), id,
          maxShimVersion == null ? Map.of() : Map.of("MAX_SHIM_VERSION", maxShimVersion));
      assertThat(result.code()).as(result.stdoutText() + result.stderr()).isZero();
      return result.stdoutText();
    } finally {
      jvm(true);
    }
  }

  @Test
  void aColdStartWithoutALogFifoPrintsOnlyTheAddressAndReturnsWhileTheDaemonServes() throws Exception {
    // no BUNDLE/log (containerd always makes it; a hand-run start may not): the daemon's log lines must not reach
    // start's output, where the launcher took the first one for an error and then waited for the daemon to exit
    config("");
    Path bundle = bundle("no-log", "{}");
    HostProcess result = start(bundle, "no-log", Map.of());
    String address = result.stdoutText();
    Path record = record("no-log");
    if (Files.exists(record)) {
      daemons.add(Long.parseLong(Files.readAllLines(record).get(1)));
    }
    assertThat(result.code()).as(address + result.stderr()).isZero();
    assertThat(address).as("start's output").matches("unix:///run/containerd/s/[0-9a-f]{64}");
    assertThat(record).as("the daemon's record: it serves").exists();
    try (TtrpcClient client = TtrpcClient.connect(SocketAddress.pathOf(address))) {
      TaskTtrpc.newBlockingStub(client).withDeadline(Duration.ofSeconds(10))
          .connect(ConnectRequest.newBuilder().setId("no-log").build());
    }
  }

  /** The record of {@code group}'s daemon in namespace ns of this test's containerd address. */
  private Path record(String group) {
    return JoinRecord.DIR.resolve(JoinRecord.name(containerdAddress(), "ns", group).orElseThrow());
  }

  /**
   * Starts the group's daemon through the JVM (cold), from a bundle (task t0) with {@code config}, which puts it in
   * {@code group}; returns its address.
   */
  private String startDaemon(String config, String group) throws Exception {
    Path bundle = bundle("t0", config);
    readLogFifo(bundle);
    HostProcess result = start(bundle, "t0", Map.of());
    assertThat(result.code()).as(result.stdoutText() + result.stderr()).isZero();
    String address = result.stdoutText();
    Path record = record(group);
    assertThat(record).exists();
    assertThat(Files.readAllLines(record)).last().isEqualTo(address);
    daemons.add(Long.parseLong(Files.readAllLines(record).get(1)));
    return address;
  }

  /**
   * Makes the bundle's log FIFO and reads it as containerd does (without one the daemon logs into start's output);
   * returns what the daemon logs there, line by line.
   */
  private StringBuffer readLogFifo(Path bundle) throws Exception {
    Path log = bundle.resolve("log");
    assertThat(run(List.of("mkfifo", log.toString()), bundle, Map.of()).code()).isZero();
    StringBuffer logged = new StringBuffer();
    Thread.ofVirtual().start(() -> {
      try (var in = new java.io.BufferedReader(new java.io.InputStreamReader(Files.newInputStream(log)))) {
        in.lines().forEach(line -> logged.append(line).append('\n'));
      } catch (IOException | java.io.UncheckedIOException e) {
        // the daemon is gone
      }
    });
    return logged;
  }

  private Path bundle(String id, String config) throws IOException {
    Path bundle = Files.createDirectories(dir.resolve(id));
    Files.writeString(bundle.resolve("config.json"), config);
    return bundle;
  }

  private String containerdAddress() {
    return dir.resolve("containerd.sock").toString();
  }

  private static String launcher() {
    return prefix.resolve("bin/containerd-shim-jrunc-v2").toString();
  }

  /** {@code start} as containerd 1.6 runs it: cwd = the bundle, stdin /dev/null. */
  private HostProcess start(Path bundle, String id, Map<String, String> env, String... flags) throws Exception {
    List<String> command = new ArrayList<>(List.of("/bin/sh", "-c", "exec \"$0\" \"$@\" < /dev/null", launcher()));
    command.addAll(List.of(flags));
    command.addAll(List.of("-namespace", "ns", "-address", containerdAddress(), "-publish-binary", "/usr/bin/containerd",
        "-id", id, "start"));
    return run(command, bundle, env);
  }

  private static HostProcess run(List<String> command, Path bundle, Map<String, String> env) throws Exception {
    Map<String, String> withPath = new HashMap<>(env);
    withPath.put("PATH", "/usr/sbin:/usr/bin:/sbin:/bin");
    return HostProcess.run(command, bundle, withPath, Duration.ofSeconds(60));
  }

  private static void config(String text) throws IOException {
    // no warm spare: a refill would start a JVM (and leave the marker) whatever the start under test did
    Files.writeString(prefix.resolve("etc/jshim/jshim.conf"), text + "jshim.spare.count = 0\n");
  }

  /** The installation's java: the real one, or one that leaves {@link #marker} and fails. */
  private static void jvm(boolean real) throws IOException {
    Path off = javaBinary.resolveSibling("java.real");
    if (real) {
      if (Files.exists(off)) {
        Files.move(off, javaBinary, StandardCopyOption.REPLACE_EXISTING);
      }
      return;
    }
    if (!Files.exists(off)) {
      Files.move(javaBinary, off);
    }
    Files.writeString(javaBinary, "#!/bin/sh\nfor a in \"$@\"; do case $a in -*) ;; *) printf '%s ' \"$a\" >> " + marker + ";; esac; done\necho >> " + marker + "\necho no JVM here >&2\nexit 1\n");
    Files.setPosixFilePermissions(javaBinary, PosixFilePermissions.fromString("rwxr-xr-x"));
  }

  private static void deleteTree(Path root) throws IOException {
    if (root == null || !Files.exists(root)) {
      return;
    }
    try (Stream<Path> paths = Files.walk(root)) {
      for (Path path : paths.sorted(Comparator.reverseOrder()).toList()) {
        Files.deleteIfExists(path);
      }
    }
  }
}
