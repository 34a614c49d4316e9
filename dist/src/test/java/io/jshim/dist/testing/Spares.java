package io.jshim.dist.testing;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.stream.Stream;

/**
 * The warm spares ({@code jshim.spare}) of one spare run directory ({@code JSHIM_SPARE_RUN}): found by their
 * directories ({@code <run>/<installation>/ready.<fingerprint>.<pid>}) and by their environment
 * ({@code JSHIM_SPARE=1}, {@code JSHIM_SPARE_ROOT} under the run directory) while they have no directory yet.
 */
public final class Spares {
  private final Path run;

  /** @param run the spare run directory given to containerd as {@code JSHIM_SPARE_RUN} */
  public Spares(Path run) {
    this.run = run;
  }

  /** @return the spare run directory */
  public Path run() {
    return run;
  }

  /** @return the installation directories under the run directory */
  public List<Path> roots() {
    return list(run).stream().filter(Files::isDirectory).toList();
  }

  /** @return every entry of every installation directory (ready.*, new.*, claim.*, policy.*, spares.log...) */
  public List<String> entries() {
    List<String> names = new ArrayList<>();
    for (Path root : roots()) {
      list(root).forEach(p -> names.add(p.getFileName().toString()));
    }
    return names;
  }

  /** @return the pids of the spares ready to be claimed */
  public List<Long> ready() {
    List<Long> pids = new ArrayList<>();
    for (Path root : roots()) {
      for (Path entry : list(root)) {
        String name = entry.getFileName().toString();
        if (name.startsWith("ready.") && Files.isDirectory(entry)) {
          pids.add(Long.parseLong(name.substring(name.lastIndexOf('.') + 1)));
        }
      }
    }
    return pids;
  }

  /** Waits (bounded) until a spare is ready, and returns it. */
  public long awaitReady(Duration bound) throws InterruptedException {
    return awaitReadyOtherThan(-1, bound);
  }

  /** Waits (bounded) until a spare other than {@code previous} is ready, and returns it. */
  public long awaitReadyOtherThan(long previous, Duration bound) throws InterruptedException {
    long[] found = {-1};
    boolean ready = Conditions.await(() -> {
      Optional<Long> pid = ready().stream().filter(p -> p != previous && ProcessHandle.of(p).isPresent()).findFirst();
      pid.ifPresent(p -> found[0] = p);
      return pid.isPresent();
    }, bound);
    if (!ready) {
      throw new AssertionError("no warm spare became ready within " + bound + " in " + run + ": " + entries()
          + ", spares.log: " + log());
    }
    return found[0];
  }

  /** @return the spares' log of every installation directory */
  public String log() {
    StringBuilder out = new StringBuilder();
    for (Path root : roots()) {
      Path log = root.resolve("spares.log");
      try {
        if (Files.exists(log)) {
          out.append(Files.readString(log, StandardCharsets.UTF_8));
        }
      } catch (IOException e) {
        out.append("(cannot read ").append(log).append(": ").append(e.getMessage()).append(")");
      }
    }
    return out.toString();
  }

  /**
   * @return the pids of processes that are spares of this run directory and not (yet) a daemon: environment
   *     {@code JSHIM_SPARE=1} with {@code JSHIM_SPARE_ROOT} under it, and no {@code -address} on their command line
   */
  public List<Long> processes() {
    List<Long> pids = new ArrayList<>();
    try (Stream<Path> procs = Files.list(Path.of("/proc"))) {
      for (Path proc : procs.toList()) {
        String name = proc.getFileName().toString();
        if (!name.chars().allMatch(Character::isDigit)) {
          continue;
        }
        try {
          String environ = Files.readString(proc.resolve("environ"), StandardCharsets.ISO_8859_1);
          String cmdline = Files.readString(proc.resolve("cmdline"), StandardCharsets.ISO_8859_1);
          List<String> env = List.of(environ.split("\0"));
          if (env.contains("JSHIM_SPARE=1") && env.stream().anyMatch(e -> e.startsWith("JSHIM_SPARE_ROOT=" + run + "/"))
              && !List.of(cmdline.split("\0")).contains("-address")) {
            pids.add(Long.parseLong(name));
          }
        } catch (IOException | RuntimeException e) {
          // gone, or a kernel thread
        }
      }
    } catch (IOException e) {
      throw new AssertionError("failed to list /proc: " + e.getMessage(), e);
    }
    return pids;
  }

  /** SIGKILLs every spare of this run directory and waits (bounded) until they are gone. */
  public void killAll() throws InterruptedException {
    List<Long> pids = new ArrayList<>(processes());
    pids.addAll(ready());
    pids.forEach(pid -> ProcessHandle.of(pid).ifPresent(ProcessHandle::destroyForcibly));
    Conditions.await(() -> pids.stream().noneMatch(pid -> ProcessHandle.of(pid).isPresent()), Duration.ofSeconds(10));
  }

  private static List<Path> list(Path dir) {
    if (!Files.isDirectory(dir)) {
      return List.of();
    }
    try (Stream<Path> entries = Files.list(dir)) {
      return entries.sorted().toList();
    } catch (IOException e) {
      return List.of();
    }
  }
}
