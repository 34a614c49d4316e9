package io.jshim.dist.e2e;

import static org.assertj.core.api.Assertions.assertThat;

import io.jshim.dist.testing.ShimUnderTest;
import io.jshim.testing.containerd.ShimProcess;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * The daemon process that {@code start} leaves behind, as containerd sees it: in its own process group (signals to
 * containerd's group do not reach it), stdout on {@code /dev/null} (containerd waited for start's output to close),
 * OOM score one above containerd's. jrunc's start JVM becomes the daemon (one JVM per shim): it is also a session
 * leader, logs to the bundle's {@code log} FIFO on stderr, and its command line is a daemon's (no {@code start}).
 */
class DaemonProcessIT extends E2eBase {

  @ParameterizedTest(name = "{0}")
  @MethodSource("shims")
  void theDaemonIsDetachedFromContainerdAndFromTheStartAction(ShimUnderTest shim) throws Exception {
    String id = startSleeper(shim, "daemon");
    try {
      ShimProcess daemon = containerd.shims().await(namespace, id, Duration.ofSeconds(30));
      long[] ids = stat(daemon.pid());

      assertThat(ids[1]).as("process group of shim pid %d", daemon.pid()).isEqualTo(daemon.pid());
      assertThat(fd(daemon.pid(), 1)).isEqualTo("/dev/null");
      assertThat(oomScore(daemon.pid())).isEqualTo(Math.min(oomScore(containerd.pid()) + 1, 1000));
      if (shim == ShimUnderTest.JRUNC) {
        assertThat(ids[2]).as("session of shim pid %d", daemon.pid()).isEqualTo(daemon.pid());
        assertThat(fd(daemon.pid(), 2)).endsWith("/" + namespace + "/" + id + "/log");
        assertThat(daemon.argv().getLast()).isNotEqualTo("start");
      }
    } finally {
      remove(id);
    }
  }

  /** @return {pid, pgrp, session} from {@code /proc/PID/stat} */
  private static long[] stat(long pid) throws Exception {
    String stat = Files.readString(Path.of("/proc", Long.toString(pid), "stat"));
    String[] fields = stat.substring(stat.lastIndexOf(')') + 2).split(" ");
    return new long[] {pid, Long.parseLong(fields[2]), Long.parseLong(fields[3])};
  }

  private static String fd(long pid, int fd) throws Exception {
    return Files.readSymbolicLink(Path.of("/proc", Long.toString(pid), "fd", Integer.toString(fd))).toString();
  }

  private static int oomScore(long pid) throws Exception {
    return Integer.parseInt(Files.readString(Path.of("/proc", Long.toString(pid), "oom_score_adj")).strip());
  }
}
