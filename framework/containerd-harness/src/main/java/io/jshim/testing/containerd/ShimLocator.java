package io.jshim.testing.containerd;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Optional;

/**
 * Finds the shim daemons a private containerd started: by their {@code -address} flag in {@code /proc/*}/cmdline
 * and by the {@code address} and {@code shim.pid} files of the container's bundle.
 */
public final class ShimLocator {
  /** The runtime v2 bundle root under containerd's state dir. */
  public static final String TASK_PLUGIN_DIR = "io.containerd.runtime.v2.task";

  private final Path containerdAddress;
  private final Path state;

  /**
   * @param containerdAddress the private containerd's gRPC socket (the shims' {@code -address})
   * @param state the private containerd's state dir
   */
  public ShimLocator(Path containerdAddress, Path state) {
    this.containerdAddress = containerdAddress;
    this.state = state;
  }

  /**
   * @param namespace the containerd namespace
   * @param containerId the container id
   * @return the container's bundle dir {@code <state>/io.containerd.runtime.v2.task/<ns>/<id>}
   */
  public Path bundle(String namespace, String containerId) {
    return state.resolve(TASK_PLUGIN_DIR).resolve(namespace).resolve(containerId);
  }

  /**
   * @param namespace the containerd namespace
   * @param containerId the container id of a running task
   * @return the shim serving that task, if its bundle names a socket and a live daemon is found
   */
  public Optional<ShimProcess> find(String namespace, String containerId) {
    Path bundle = bundle(namespace, containerId);
    Optional<Path> socket = readSocket(bundle);
    if (socket.isEmpty()) {
      return Optional.empty();
    }
    Optional<Long> pid = readPidFile(bundle.resolve("shim.pid")).filter(ProcessStats::isAlive);
    if (pid.isPresent()) {
      return ProcFs.readArgv(pid.get()).map(argv -> new ShimProcess(pid.get(), socket.get(), argv));
    }
    return daemons().stream()
        .filter(entry -> entry.flagValue("-namespace").filter(namespace::equals).isPresent())
        .filter(entry -> entry.flagValue("-id").filter(containerId::equals).isPresent())
        .findFirst()
        .map(entry -> new ShimProcess(entry.pid(), socket.get(), entry.argv()));
  }

  /**
   * Waits until the container's shim is up.
   *
   * @param namespace the containerd namespace
   * @param containerId the container id
   * @param timeout how long to wait
   * @return the shim
   * @throws HarnessException if none appears in time
   */
  public ShimProcess await(String namespace, String containerId, Duration timeout) {
    Instant deadline = Instant.now().plus(timeout);
    while (true) {
      Optional<ShimProcess> shim = find(namespace, containerId);
      if (shim.isPresent()) {
        return shim.get();
      }
      if (Instant.now().isAfter(deadline)) {
        throw new HarnessException("failed to find the shim of container " + namespace + "/" + containerId
            + " within " + timeout + ": bundle " + bundle(namespace, containerId) + ", shims running: " + pids());
      }
      Sleeps.sleep(Duration.ofMillis(100));
    }
  }

  /** @return the pids of every shim daemon (not its short-lived start/delete actions) of this containerd */
  public List<Long> pids() {
    return daemons().stream().map(ProcFs.ProcessEntry::pid).toList();
  }

  /** @return every process whose command line carries {@code -address <this containerd's socket>} */
  List<ProcFs.ProcessEntry> allWithAddress() {
    String address = containerdAddress.toString();
    return ProcFs.processes().stream()
        .filter(entry -> entry.flagValue("-address").filter(address::equals).isPresent())
        .toList();
  }

  private List<ProcFs.ProcessEntry> daemons() {
    return allWithAddress().stream()
        .filter(entry -> !List.of("start", "delete").contains(entry.argv().getLast()))
        .toList();
  }

  private static Optional<Path> readSocket(Path bundle) {
    try {
      String address = Files.readString(bundle.resolve("address"), StandardCharsets.UTF_8).strip();
      if (address.isEmpty()) {
        return Optional.empty();
      }
      return Optional.of(Path.of(address.startsWith("unix://") ? address.substring("unix://".length()) : address));
    } catch (IOException e) {
      return Optional.empty();
    }
  }

  private static Optional<Long> readPidFile(Path file) {
    try {
      return Optional.of(Long.parseLong(Files.readString(file).strip()));
    } catch (IOException | NumberFormatException e) {
      return Optional.empty();
    }
  }
}
