package io.jshim.testing.containerd;

import java.nio.file.Files;
import java.nio.file.Path;

/** Resource counts of a live process, for leak checks (fds, threads) on a shim. */
public final class ProcessStats {
  private ProcessStats() {}

  /**
   * @param pid a live process
   * @return how many file descriptors it has open ({@code /proc/<pid>/fd})
   */
  public static int openFds(long pid) {
    return ProcFs.countEntries(Path.of("/proc", Long.toString(pid), "fd"));
  }

  /**
   * @param pid a live process
   * @return how many threads it runs ({@code /proc/<pid>/task})
   */
  public static int threads(long pid) {
    return ProcFs.countEntries(Path.of("/proc", Long.toString(pid), "task"));
  }

  /**
   * @param pid any pid
   * @return whether a process with that pid exists and is not a zombie
   */
  public static boolean isAlive(long pid) {
    Path status = Path.of("/proc", Long.toString(pid), "status");
    try {
      return Files.readAllLines(status).stream()
          .filter(line -> line.startsWith("State:"))
          .noneMatch(line -> line.contains("Z") || line.contains("X"));
    } catch (java.io.IOException e) {
      return false;
    }
  }
}
