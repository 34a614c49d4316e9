package io.jshim.dist.faults;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;

/**
 * A loaded, CPU-throttled node for as long as it is open: one CPU-bound process per CPU, and a process (containerd)
 * moved into a cgroup v1 {@code cpu} group limited to {@code quotaPercent} of one CPU, so whatever it spawns (a
 * shim's {@code delete}) inherits the throttle. Closing stops the load, moves every process of the group back to the
 * root group and removes the group.
 */
final class LoadedNode implements AutoCloseable {
  static final Path CPU_ROOT = Path.of("/sys/fs/cgroup/cpu");
  private static final int PERIOD_US = 100_000;

  private final Path group;
  private final List<Process> burners = new ArrayList<>();

  private LoadedNode(Path group) {
    this.group = group;
  }

  /** Whether this host has a cgroup v1 {@code cpu} hierarchy with CFS quotas (the hybrid build machines do). */
  static boolean available() {
    return Files.isRegularFile(CPU_ROOT.resolve("cpu.cfs_quota_us")) && Files.isWritable(CPU_ROOT.resolve("cgroup.procs"));
  }

  /**
   * @param pid          the process to throttle (with its threads, and what it spawns from now on)
   * @param quotaPercent its share of one CPU, per 100 ms period
   */
  static LoadedNode throttle(long pid, int quotaPercent) throws IOException {
    Path group = Files.createDirectory(CPU_ROOT.resolve("jshim-throttle-" + UUID.randomUUID().toString().substring(0, 8)));
    LoadedNode node = new LoadedNode(group);
    try {
      Files.writeString(group.resolve("cpu.cfs_period_us"), Integer.toString(PERIOD_US));
      Files.writeString(group.resolve("cpu.cfs_quota_us"), Integer.toString(PERIOD_US * quotaPercent / 100));
      Files.writeString(group.resolve("cgroup.procs"), Long.toString(pid));
      for (int i = 0; i < Runtime.getRuntime().availableProcessors(); i++) {
        node.burners.add(new ProcessBuilder("/bin/sh", "-c", "while :; do :; done").start());
      }
    } catch (IOException | RuntimeException e) {
      node.close();
      throw e;
    }
    return node;
  }

  /** @return the pids in the throttled group now */
  List<Long> pids() throws IOException {
    return Files.readAllLines(group.resolve("cgroup.procs")).stream().filter(l -> !l.isBlank()).map(Long::parseLong)
        .toList();
  }

  @Override
  public void close() throws IOException {
    burners.forEach(Process::destroyForcibly);
    for (Process burner : burners) {
      try {
        burner.waitFor();
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
      }
    }
    IOException failed = null;
    for (int attempt = 0; attempt < 50 && Files.exists(group); attempt++) {
      for (long pid : Files.exists(group) ? pids() : List.<Long>of()) {
        try {
          Files.writeString(CPU_ROOT.resolve("cgroup.procs"), Long.toString(pid));
        } catch (IOException e) {
          // exited meanwhile
        }
      }
      try {
        Files.deleteIfExists(group);
      } catch (IOException e) {
        failed = e; // a process still entering it: move again
        try {
          Thread.sleep(100);
        } catch (InterruptedException interrupted) {
          Thread.currentThread().interrupt();
          break;
        }
      }
    }
    if (Files.exists(group)) {
      throw new IOException("failed to remove cpu cgroup " + group + ": " + (failed == null ? "busy" : failed.getMessage()));
    }
  }
}
