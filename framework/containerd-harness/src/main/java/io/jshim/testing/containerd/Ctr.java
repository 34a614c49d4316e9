package io.jshim.testing.containerd;

import java.io.IOException;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.stream.Collectors;

/**
 * Drives {@code ctr --address <sock> --namespace <ns> ...} against a private containerd. Every call is bounded
 * by a timeout and returns exit code, stdout and stderr; nothing here throws on a non-zero exit (use
 * {@link CommandResult#orThrow()}).
 */
public final class Ctr {
  /** The bound of a ctr call unless another is given. */
  public static final Duration DEFAULT_TIMEOUT = Duration.ofSeconds(60);

  private final Path ctrBinary;
  private final Path address;
  private final String namespace;
  private final Path defaultRootfs;
  private final Duration timeout;

  /**
   * @param ctrBinary the ctr binary, e.g. {@code /usr/bin/ctr}
   * @param address the containerd gRPC socket (absolute)
   * @param namespace the containerd namespace every call uses
   * @param defaultRootfs the rootfs of {@link #run} when the {@link ContainerRun} names none
   * @param timeout the bound of each call
   */
  public Ctr(Path ctrBinary, Path address, String namespace, Path defaultRootfs, Duration timeout) {
    this.ctrBinary = Objects.requireNonNull(ctrBinary, "ctrBinary is null");
    this.address = Objects.requireNonNull(address, "address is null").toAbsolutePath();
    this.namespace = Objects.requireNonNull(namespace, "namespace is null");
    this.defaultRootfs = defaultRootfs;
    this.timeout = Objects.requireNonNull(timeout, "timeout is null");
  }

  /** @return the namespace of every call */
  public String namespace() {
    return namespace;
  }

  /** @return the containerd socket */
  public Path address() {
    return address;
  }

  /** @param bound the new per-call bound @return a copy with that bound */
  public Ctr withTimeout(Duration bound) {
    return new Ctr(ctrBinary, address, namespace, defaultRootfs, bound);
  }

  /**
   * @param args ctr arguments after the global flags, e.g. {@code task ls}
   * @return the full argv {@code ctr --address A --namespace N args...}
   */
  public List<String> command(List<String> args) {
    List<String> argv = new ArrayList<>(List.of(ctrBinary.toString(), "--address", address.toString(), "--namespace", namespace));
    argv.addAll(args);
    return argv;
  }

  /**
   * Wraps a ctr call in {@code script -qec CMD /dev/null} so ctr's stdin is a terminal ({@code -t} needs one).
   *
   * @param args ctr arguments after the global flags
   * @return the argv running ctr inside a fresh pseudo-terminal
   */
  public List<String> terminalCommand(List<String> args) {
    String shellCommand = command(args).stream().map(Ctr::shellQuote).collect(Collectors.joining(" "));
    return List.of("script", "-qec", shellCommand, "/dev/null");
  }

  /** @param args ctr arguments after the global flags @return the finished call */
  public CommandResult ctr(String... args) {
    return Commands.run(command(List.of(args)), null, timeout, Map.of());
  }

  /**
   * @param stdin bytes for ctr's stdin, or {@code null} for /dev/null
   * @param bound the time bound of this call
   * @param args ctr arguments after the global flags
   * @return the finished call
   */
  public CommandResult ctr(byte[] stdin, Duration bound, List<String> args) {
    return Commands.run(command(args), stdin, bound, Map.of());
  }

  /**
   * Runs ctr inside a pseudo-terminal ({@link #terminalCommand}); {@code script} copies the terminal's output
   * (CRLF line ends) to stdout.
   *
   * @param stdin bytes typed into the terminal, or {@code null}
   * @param bound the time bound of this call
   * @param args ctr arguments after the global flags
   * @return the finished call; the exit code is ctr's
   */
  public CommandResult inTerminal(byte[] stdin, Duration bound, List<String> args) {
    return Commands.run(terminalCommand(args), stdin, bound, Map.of());
  }

  /**
   * Starts ctr without waiting, for streaming its output (e.g. hundreds of MiB) yourself. The caller owns the
   * process and must end it.
   *
   * @param args ctr arguments after the global flags
   * @return the started process
   */
  public Process start(List<String> args) {
    try {
      return new ProcessBuilder(command(args)).start();
    } catch (IOException e) {
      throw new HarnessException("failed to start ctr " + String.join(" ", args) + ": " + e.getMessage(), e);
    }
  }

  /**
   * {@code ctr run --rm --runtime RT --rootfs <busybox> ID CMD...}.
   *
   * @param runtime the containerd runtime
   * @param id the container id
   * @param command the container's argv (absolute binary path)
   * @return the finished call; its exit code is the container's
   */
  public CommandResult run(String runtime, String id, String... command) {
    return run(ContainerRun.of(runtime, id, command).withTimeout(timeout));
  }

  /** @param run the run to perform @return the finished call */
  public CommandResult run(ContainerRun run) {
    return Commands.run(command(run.arguments(defaultRootfs)), run.stdin(), run.timeout(), Map.of());
  }

  /**
   * @param run the run to perform
   * @return the argv of that run, for callers that start it themselves
   */
  public List<String> runArguments(ContainerRun run) {
    return run.arguments(defaultRootfs);
  }

  /**
   * {@code ctr task exec --exec-id EXEC ID CMD...} without terminal.
   *
   * @param containerId the running task
   * @param execId the new process id
   * @param command its argv
   * @return the finished call; its exit code is the process's
   */
  public CommandResult exec(String containerId, String execId, String... command) {
    return ctr(null, timeout, execArguments(containerId, execId, false, command));
  }

  /**
   * {@code ctr task exec -t --exec-id EXEC ID CMD...} inside a pseudo-terminal.
   *
   * @param containerId the running task
   * @param execId the new process id
   * @param command its argv
   * @return the finished call; output has CRLF line ends
   */
  public CommandResult execTty(String containerId, String execId, String... command) {
    return inTerminal(null, timeout, execArguments(containerId, execId, true, command));
  }

  private static List<String> execArguments(String containerId, String execId, boolean tty, String... command) {
    List<String> args = new ArrayList<>(List.of("task", "exec"));
    if (tty) {
      args.add("-t");
    }
    args.addAll(List.of("--exec-id", execId, containerId));
    args.addAll(List.of(command));
    return args;
  }

  /**
   * @param containerId the task
   * @param signal e.g. {@code SIGTERM}, {@code KILL}, {@code 9}
   * @param all signal every process of the container ({@code --all})
   * @return the finished call
   */
  public CommandResult kill(String containerId, String signal, boolean all) {
    List<String> args = new ArrayList<>(List.of("task", "kill", "--signal", signal));
    if (all) {
      args.add("--all");
    }
    args.add(containerId);
    return ctr(null, timeout, args);
  }

  /** @return {@code ctr task ls} */
  public CommandResult taskLs() {
    return ctr("task", "ls");
  }

  /**
   * @param containerId a container id
   * @return its status column of {@code ctr task ls} (RUNNING, PAUSED, STOPPED, ...), empty if not listed
   */
  public Optional<String> taskStatus(String containerId) {
    return taskLs().orThrow().stdout().lines()
        .map(String::strip)
        .map(line -> line.split("\\s+"))
        .filter(columns -> columns.length >= 3 && columns[0].equals(containerId))
        .map(columns -> columns[2])
        .findFirst();
  }

  /** @param containerId the task @return {@code ctr task ps ID} */
  public CommandResult ps(String containerId) {
    return ctr("task", "ps", containerId);
  }

  /** @param containerId the task @return {@code ctr task metrics --format json ID} */
  public CommandResult metrics(String containerId) {
    return ctr("task", "metrics", "--format", "json", containerId);
  }

  /** @param containerId the task @return {@code ctr task pause ID} */
  public CommandResult pause(String containerId) {
    return ctr("task", "pause", containerId);
  }

  /** @param containerId the task @return {@code ctr task resume ID} */
  public CommandResult resume(String containerId) {
    return ctr("task", "resume", containerId);
  }

  /** @param containerId the task @return {@code ctr task delete ID} */
  public CommandResult deleteTask(String containerId) {
    return ctr("task", "delete", containerId);
  }

  /** @param containerId the task @return {@code ctr task delete --force ID} (kills it first) */
  public CommandResult forceDeleteTask(String containerId) {
    return ctr("task", "delete", "--force", containerId);
  }

  /** @param containerId the container @return {@code ctr container delete ID} */
  public CommandResult deleteContainer(String containerId) {
    return ctr("container", "delete", containerId);
  }

  /**
   * Starts {@code ctr events} and returns once it is subscribed (proven by a namespace label event it sees).
   *
   * @return the live event stream; close it to stop ctr
   */
  public CtrEvents events() {
    ctr("namespaces", "create", namespace); // AlreadyExists is fine
    CtrEvents events = CtrEvents.start(command(List.of("events")));
    try {
      for (int attempt = 0; ; attempt++) {
        String probe = "jshim.harness.probe=" + attempt + "-" + System.nanoTime();
        ctr("namespaces", "label", namespace, probe).orThrow();
        if (events.awaitLine(line -> line.contains(probe.substring(probe.indexOf('=') + 1)), Duration.ofMillis(500)).isPresent()) {
          return events;
        }
        if (attempt >= 40) {
          throw new HarnessException("failed to subscribe ctr events on " + address + ": no probe event seen, output: "
              + events.lines());
        }
      }
    } catch (RuntimeException e) {
      events.close();
      throw e;
    }
  }

  static String shellQuote(String word) {
    return "'" + word.replace("'", "'\\''") + "'";
  }
}
