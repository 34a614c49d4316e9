package io.jshim.testing.containerd;

import java.nio.file.Path;
import java.util.List;

/**
 * A running shim daemon serving a container.
 *
 * @param pid the daemon's pid
 * @param socket the TTRPC socket it serves (from the bundle's {@code address} file, without {@code unix://})
 * @param argv the daemon's command line
 */
public record ShimProcess(long pid, Path socket, List<String> argv) {
  /** Copies the argv. */
  public ShimProcess {
    argv = List.copyOf(argv);
  }

  /** @return the daemon's open file descriptor count now */
  public int openFds() {
    return ProcessStats.openFds(pid);
  }

  /** @return the daemon's thread count now */
  public int threads() {
    return ProcessStats.threads(pid);
  }

  /** @return whether the daemon is still running */
  public boolean isAlive() {
    return ProcessStats.isAlive(pid);
  }
}
