package io.jshim.testing.containerd;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HexFormat;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A containerd 1.6 of the test's own: generated {@code config.toml} (version 2) in a temp dir with its own root,
 * state, gRPC and TTRPC sockets, log captured to {@link #logFile()}. It never touches the machine's containerd
 * ({@code /run/containerd/containerd.sock}). Shim sockets ({@code /run/containerd/s}), FIFOs
 * ({@code /run/containerd/fifo}) and runc state ({@code /run/containerd/runc/<ns>}) are fixed paths shared with
 * any other containerd, so use a namespace of your own: {@link #newNamespace()}.
 *
 * <p>{@link #close()} deletes what is left in the namespaces it handed out, stops containerd by pid (SIGTERM,
 * then SIGKILL), kills the shims whose {@code -address} is its socket, force-deletes leftover runc containers of
 * its namespaces, removes the (empty) cgroups containerd created for its namespaces
 * ({@code /sys/fs/cgroup/<hierarchy>/<namespace>/...}), unmounts whatever is left under its dir and removes the dir.
 *
 * <pre>{@code
 * try (PrivateContainerd containerd = PrivateContainerd.builder().runtimeDir(shimBinDir).start()) {
 *   Ctr ctr = containerd.ctr(containerd.newNamespace());
 *   CommandResult hello = ctr.run("io.containerd.runc.v2", "c1", "/bin/echo", "hello");
 * }
 * }</pre>
 */
public final class PrivateContainerd implements AutoCloseable {
  private static final Logger LOG = LoggerFactory.getLogger(PrivateContainerd.class);
  private static final String SYSTEM_PATH = "/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin";
  /** Where runc (and the runc shims) keep container state: {@code <root>/<namespace>/<id>}. */
  public static final Path RUNC_ROOT = Path.of("/run/containerd/runc");
  /**
   * jshim's warm spare directory variable: every private containerd gets its own ({@code spare-run} in its
   * directory) unless the builder sets one; its spares are killed on {@link #close}.
   */
  public static final String SPARE_RUN_ENV = "JSHIM_SPARE_RUN";

  private final Builder settings;
  private final Path directory;
  private final ContainerdConfig config;
  private final Path logFile;
  private volatile Process process; // replaced by restart()
  private final ShimLocator shims;
  private final Set<String> namespaces = new LinkedHashSet<>(); // guarded by namespaces
  private boolean closed; // guarded by this

  private PrivateContainerd(Builder settings, Path directory, ContainerdConfig config, Path logFile, Process process) {
    this.settings = settings;
    this.directory = directory;
    this.config = config;
    this.logFile = logFile;
    this.process = process;
    this.shims = new ShimLocator(config.grpcAddress(), config.state());
  }

  /** @return a builder with defaults: debug log level, CRI disabled, {@code /usr/bin/containerd} */
  public static Builder builder() {
    return new Builder();
  }

  /** @return the temp dir holding config, root, state, sockets and log */
  public Path directory() {
    return directory;
  }

  /** @return the configuration containerd runs with */
  public ContainerdConfig config() {
    return config;
  }

  /** @return the gRPC socket (ctr's {@code --address}, the shims' {@code -address}) */
  public Path address() {
    return config.grpcAddress();
  }

  /** @return the TTRPC socket shims publish events to */
  public Path ttrpcAddress() {
    return config.ttrpcAddress();
  }

  /** @return containerd's state dir */
  public Path state() {
    return config.state();
  }

  /** @return containerd's root dir */
  public Path root() {
    return config.root();
  }

  /**
   * @return jshim's warm spare directory of this containerd's shims: its {@value #SPARE_RUN_ENV}, the builder's or
   *     {@code spare-run} in {@link #directory()}
   */
  public Path spareRun() {
    return Path.of(settings.environment.get(SPARE_RUN_ENV));
  }

  /** @return the file containerd's stdout and stderr go to */
  public Path logFile() {
    return logFile;
  }

  /** @return containerd's log so far */
  public String log() {
    try {
      return Files.readString(logFile, StandardCharsets.UTF_8);
    } catch (IOException e) {
      throw new HarnessException("failed to read containerd log " + logFile + ": " + e.getMessage(), e);
    }
  }

  /** @return containerd's pid */
  public long pid() {
    return process.pid();
  }

  /** @return whether the containerd process is still running */
  public boolean isAlive() {
    return process.isAlive();
  }

  /**
   * Stops containerd (SIGTERM, SIGKILL after the stop timeout) and starts it again with the same config, sockets
   * and state, its output appended to the same log; shims keep running and containerd reconnects to them through
   * their bundles' {@code address} files. Returns once {@code ctr version} answers.
   *
   * @throws HarnessException if it cannot be stopped or does not come back; the message carries its log's tail
   */
  public synchronized void restart() {
    if (closed) {
      throw new HarnessException("failed to restart private containerd " + address() + ": closed");
    }
    stopContainerd();
    try {
      process = settings.launch(directory.resolve("config.toml"), logFile, ProcessBuilder.Redirect.appendTo(logFile.toFile()));
    } catch (IOException e) {
      throw new HarnessException("failed to restart private containerd in " + directory + ": " + e.getMessage(), e);
    }
    LOG.info("msg=\"restarted private containerd\" pid={} address={}", process.pid(), address());
    awaitReady(settings.startTimeout);
  }

  /** @return the shim finder for this containerd */
  public ShimLocator shims() {
    return shims;
  }

  /**
   * @return a fresh namespace {@code jshim-test-<random>}, cleaned up by {@link #close()}
   */
  public String newNamespace() {
    String namespace = "jshim-test-" + HexFormat.of().toHexDigits(ThreadLocalRandom.current().nextInt());
    track(namespace);
    return namespace;
  }

  /**
   * @param namespace the namespace of every call (tracked for clean-up on close)
   * @return ctr bound to this containerd and namespace, busybox as default rootfs, 60 s per call
   */
  public Ctr ctr(String namespace) {
    track(namespace);
    return new Ctr(settings.ctrBinary, address(), namespace, null, Ctr.DEFAULT_TIMEOUT);
  }

  private void track(String namespace) {
    synchronized (namespaces) {
      namespaces.add(namespace);
    }
  }

  /** Stops containerd and everything it started; see the class comment. Idempotent. */
  @Override
  public synchronized void close() {
    if (closed) {
      return;
    }
    closed = true;
    List<Throwable> failures = new ArrayList<>();
    List<String> used;
    synchronized (namespaces) {
      used = List.copyOf(namespaces);
    }
    if (process.isAlive()) {
      used.forEach(namespace -> collect(failures, () -> deleteEverything(namespace)));
    }
    collect(failures, this::stopContainerd);
    collect(failures, this::killShims);
    collect(failures, this::killSpares);
    used.forEach(namespace -> collect(failures, () -> deleteRuncLeftovers(namespace)));
    NamespaceCgroups cgroups = new NamespaceCgroups(NamespaceCgroups.ROOT, Duration.ofSeconds(5));
    used.forEach(namespace -> collect(failures, () -> cgroups.remove(namespace)));
    collect(failures, () -> {
      List<Path> leftovers = Mounts.unmountAll(directory);
      if (!leftovers.isEmpty()) {
        LOG.warn("msg=\"unmounted leftovers\" dir={} mounts={}", directory, leftovers);
      }
    });
    collect(failures, () -> deleteRecursively(directory));
    if (!failures.isEmpty()) {
      HarnessException failure = new HarnessException("failed to clean up private containerd " + directory
          + ": " + failures.size() + " step(s) failed, first: " + failures.getFirst().getMessage());
      failures.forEach(failure::addSuppressed);
      throw failure;
    }
  }

  private void deleteEverything(String namespace) {
    Ctr ctr = new Ctr(settings.ctrBinary, address(), namespace, null, Duration.ofSeconds(15));
    CommandResult tasks = ctr.ctr("task", "ls", "--quiet");
    if (tasks.succeeded()) {
      tasks.stdout().lines().map(String::strip).filter(id -> !id.isEmpty()).forEach(id -> ctr.forceDeleteTask(id));
    }
    CommandResult containers = ctr.ctr("container", "ls", "--quiet");
    if (containers.succeeded()) {
      containers.stdout().lines().map(String::strip).filter(id -> !id.isEmpty()).forEach(id -> ctr.deleteContainer(id));
    }
    ctr.ctr("namespaces", "remove", namespace);
  }

  private void stopContainerd() {
    if (!process.isAlive()) {
      LOG.warn("msg=\"containerd had already exited\" pid={} exitCode={}", process.pid(), process.exitValue());
      return;
    }
    process.destroy(); // SIGTERM to its pid
    try {
      if (!process.waitFor(settings.stopTimeout.toMillis(), TimeUnit.MILLISECONDS)) {
        LOG.warn("msg=\"containerd ignored SIGTERM, killing it\" pid={} bound={}", process.pid(), settings.stopTimeout);
        process.destroyForcibly();
        if (!process.waitFor(5, TimeUnit.SECONDS)) {
          throw new HarnessException("failed to stop containerd pid " + process.pid() + ": alive after SIGKILL");
        }
      }
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      process.destroyForcibly();
      throw new HarnessException("interrupted while stopping containerd pid " + process.pid(), e);
    }
  }

  private void killShims() {
    List<Long> pids = shims.allWithAddress().stream().map(ProcFs.ProcessEntry::pid).toList();
    if (pids.isEmpty()) {
      return;
    }
    LOG.info("msg=\"stopping shims left running\" address={} pids={}", address(), pids);
    pids.forEach(pid -> ProcessHandle.of(pid).ifPresent(ProcessHandle::destroy));
    Instant deadline = Instant.now().plusSeconds(3);
    while (pids.stream().anyMatch(ProcessStats::isAlive) && Instant.now().isBefore(deadline)) {
      Sleeps.sleep(Duration.ofMillis(50));
    }
    pids.stream().filter(ProcessStats::isAlive)
        .forEach(pid -> ProcessHandle.of(pid).ifPresent(ProcessHandle::destroyForcibly));
    Instant killDeadline = Instant.now().plusSeconds(5);
    while (pids.stream().anyMatch(ProcessStats::isAlive) && Instant.now().isBefore(killDeadline)) {
      Sleeps.sleep(Duration.ofMillis(50));
    }
    List<Long> survivors = pids.stream().filter(ProcessStats::isAlive).toList();
    if (!survivors.isEmpty()) {
      throw new HarnessException("failed to kill shims " + survivors + " of containerd " + address());
    }
  }

  /**
   * SIGKILLs jshim's warm spares started under this containerd: every process whose environment carries this
   * containerd's {@code JSHIM_SPARE_RUN} (a spare and its refill inherit containerd's environment), except shim
   * daemons (a spare handed a start), which {@link #killShims} handles.
   */
  private void killSpares() {
    String run = settings.environment.get(SPARE_RUN_ENV);
    if (run == null) {
      return;
    }
    String marker = SPARE_RUN_ENV + "=" + run;
    List<Long> pids = new ArrayList<>();
    try (Stream<Path> procs = Files.list(Path.of("/proc"))) {
      for (Path proc : procs.toList()) {
        String name = proc.getFileName().toString();
        if (!name.chars().allMatch(Character::isDigit) || Long.parseLong(name) == ProcessHandle.current().pid()) {
          continue;
        }
        try {
          List<String> environ = List.of(Files.readString(proc.resolve("environ"),
              java.nio.charset.StandardCharsets.ISO_8859_1).split("\0"));
          List<String> argv = List.of(Files.readString(proc.resolve("cmdline"),
              java.nio.charset.StandardCharsets.ISO_8859_1).split("\0"));
          if (environ.contains(marker) && !argv.contains("-address")) {
            pids.add(Long.parseLong(name));
          }
        } catch (IOException | RuntimeException e) {
          // gone, or not readable
        }
      }
    } catch (IOException e) {
      throw new HarnessException("failed to list /proc for warm spares: " + e.getMessage(), e);
    }
    pids.forEach(pid -> ProcessHandle.of(pid).ifPresent(ProcessHandle::destroyForcibly));
    Instant deadline = Instant.now().plusSeconds(5);
    while (pids.stream().anyMatch(ProcessStats::isAlive) && Instant.now().isBefore(deadline)) {
      Sleeps.sleep(Duration.ofMillis(50));
    }
  }

  private void deleteRuncLeftovers(String namespace) {
    Path runcRoot = RUNC_ROOT.resolve(namespace);
    if (!Files.isDirectory(runcRoot)) {
      return;
    }
    try (Stream<Path> containers = Files.list(runcRoot)) {
      for (Path container : containers.toList()) {
        LOG.warn("msg=\"force-deleting leftover runc container\" namespace={} id={}", namespace, container.getFileName());
        Commands.run(List.of("runc", "--root", runcRoot.toString(), "delete", "--force", container.getFileName().toString()),
            null, Duration.ofSeconds(15), Map.of("PATH", SYSTEM_PATH));
      }
    } catch (IOException e) {
      throw new HarnessException("failed to list runc state " + runcRoot + ": " + e.getMessage(), e);
    }
    deleteRecursively(runcRoot);
  }

  private static void deleteRecursively(Path dir) {
    if (!Files.exists(dir)) {
      return;
    }
    try (Stream<Path> paths = Files.walk(dir)) {
      for (Path path : paths.sorted(Comparator.reverseOrder()).toList()) {
        Files.deleteIfExists(path);
      }
    } catch (IOException e) {
      throw new HarnessException("failed to delete " + dir + ": " + e.getMessage(), e);
    }
  }

  private static void collect(List<Throwable> failures, Runnable step) {
    try {
      step.run();
    } catch (RuntimeException e) {
      LOG.warn("msg=\"clean-up step failed\" error=\"{}\"", e.getMessage());
      failures.add(e);
    }
  }

  /** Settings of a private containerd; {@link #start()} launches it. */
  public static final class Builder {
    private Path containerdBinary = Path.of("/usr/bin/containerd");
    private Path ctrBinary = Path.of("/usr/bin/ctr");
    private String logLevel = "debug";
    private final List<Path> runtimeDirs = new ArrayList<>();
    private final List<CriRuntime> criRuntimes = new ArrayList<>();
    private Duration startTimeout = Duration.ofSeconds(30);
    private Duration stopTimeout = Duration.ofSeconds(10);
    private final Map<String, String> environment = new java.util.LinkedHashMap<>();

    private Builder() {}

    /**
     * @param name an environment variable containerd (and so every shim it starts) gets, besides this JVM's
     * @param value its value
     * @return this
     */
    public Builder environment(String name, String value) {
      environment.put(Objects.requireNonNull(name, "name is null"), Objects.requireNonNull(value, "value is null"));
      return this;
    }

    /** @param binary the containerd binary @return this */
    public Builder containerdBinary(Path binary) {
      this.containerdBinary = Objects.requireNonNull(binary, "binary is null");
      return this;
    }

    /** @param binary the ctr binary @return this */
    public Builder ctrBinary(Path binary) {
      this.ctrBinary = Objects.requireNonNull(binary, "binary is null");
      return this;
    }

    /**
     * @param level containerd's log level ({@code debug} (default) passes {@code -debug} to shims, {@code info}...)
     * @return this
     */
    public Builder logLevel(String level) {
      this.logLevel = Objects.requireNonNull(level, "level is null");
      return this;
    }

    /**
     * @param dir a directory prepended to containerd's PATH (where it finds {@code containerd-shim-*-v2});
     *     later calls go after earlier ones
     * @return this
     */
    public Builder runtimeDir(Path dir) {
      runtimeDirs.add(dir.toAbsolutePath());
      return this;
    }

    /**
     * Enables the CRI plugin (disabled by default) with these runtime handlers; the first is the default.
     *
     * @param runtimes the handlers
     * @return this
     */
    public Builder cri(CriRuntime... runtimes) {
      criRuntimes.addAll(List.of(runtimes));
      return this;
    }

    /** @param bound how long to wait for containerd's socket to answer @return this */
    public Builder startTimeout(Duration bound) {
      this.startTimeout = bound;
      return this;
    }

    /** @param bound how long SIGTERM may take before SIGKILL @return this */
    public Builder stopTimeout(Duration bound) {
      this.stopTimeout = bound;
      return this;
    }

    /**
     * Writes the config, starts containerd and waits (bounded) until {@code ctr version} answers on its socket.
     *
     * @return the running containerd
     * @throws HarnessException if it does not come up; the message carries its log's tail
     */
    public PrivateContainerd start() {
      Path directory;
      try {
        directory = Files.createTempDirectory("jshim-containerd-");
      } catch (IOException e) {
        throw new HarnessException("failed to create a temp dir for a private containerd: " + e.getMessage(), e);
      }
      ContainerdConfig config = new ContainerdConfig(directory.resolve("root"), directory.resolve("state"),
          directory.resolve("containerd.sock"), directory.resolve("containerd.sock.ttrpc"), directory.resolve("opt"),
          logLevel, criRuntimes);
      if (!environment.containsKey(SPARE_RUN_ENV)) {
        Path spareRun = directory.resolve("spare-run");
        try {
          Files.createDirectory(spareRun, java.nio.file.attribute.PosixFilePermissions.asFileAttribute(
              java.nio.file.attribute.PosixFilePermissions.fromString("rwx------")));
        } catch (IOException e) {
          deleteRecursively(directory);
          throw new HarnessException("failed to create " + spareRun + ": " + e.getMessage(), e);
        }
        environment.put(SPARE_RUN_ENV, spareRun.toString());
      }
      Path configFile = directory.resolve("config.toml");
      Path logFile = directory.resolve("containerd.log");
      Process process;
      try {
        Files.writeString(configFile, config.toToml());
        process = launch(configFile, logFile, ProcessBuilder.Redirect.to(logFile.toFile()));
      } catch (IOException e) {
        deleteRecursively(directory);
        throw new HarnessException("failed to start private containerd in " + directory + ": " + e.getMessage(), e);
      }
      LOG.info("msg=\"started private containerd\" pid={} address={} path={}", process.pid(), config.grpcAddress(), path());
      PrivateContainerd containerd = new PrivateContainerd(this, directory, config, logFile, process);
      try {
        containerd.awaitReady(startTimeout);
      } catch (RuntimeException e) {
        try {
          containerd.close();
        } catch (RuntimeException cleanup) {
          e.addSuppressed(cleanup);
        }
        throw e;
      }
      return containerd;
    }

    private Process launch(Path configFile, Path logFile, ProcessBuilder.Redirect output) throws IOException {
      ProcessBuilder builder = new ProcessBuilder(containerdBinary.toString(), "--config", configFile.toString())
          .redirectErrorStream(true)
          .redirectOutput(output)
          .redirectInput(ProcessBuilder.Redirect.from(new java.io.File("/dev/null")));
      builder.environment().putAll(environment);
      builder.environment().put("PATH", path());
      return builder.start();
    }

    private String path() {
      List<String> entries = new ArrayList<>(runtimeDirs.stream().map(Path::toString).toList());
      entries.add(Optional.ofNullable(System.getenv("PATH")).orElse(SYSTEM_PATH));
      entries.add(SYSTEM_PATH);
      return String.join(":", entries);
    }
  }

  private void awaitReady(Duration timeout) {
    Instant deadline = Instant.now().plus(timeout);
    CommandResult last = null;
    while (Instant.now().isBefore(deadline)) {
      if (!process.isAlive()) {
        throw new HarnessException("failed to start private containerd " + address() + ": exited with "
            + process.exitValue() + ", log: " + tail(log()));
      }
      if (Files.exists(address())) {
        last = Commands.run(List.of(settings.ctrBinary.toString(), "--address", address().toString(), "version"),
            Duration.ofSeconds(5));
        if (last.succeeded()) {
          return;
        }
      }
      Sleeps.sleep(Duration.ofMillis(100));
    }
    throw new HarnessException("failed to start private containerd " + address() + ": no answer within " + timeout
        + (last == null ? ", socket never appeared" : ", last ctr version: " + last) + ", log: " + tail(log()));
  }

  private static String tail(String text) {
    return text.length() <= 4000 ? text : text.substring(text.length() - 4000);
  }
}
