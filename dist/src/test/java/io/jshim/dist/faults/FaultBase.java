package io.jshim.dist.faults;

import io.jshim.testing.containerd.ContainerRun;
import io.jshim.testing.containerd.Ctr;
import io.jshim.testing.containerd.PrivateContainerd;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Comparator;
import java.util.Optional;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.BooleanSupplier;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Timeout;

/**
 * One private containerd per test class (with {@code dist/target/jshim/bin} on its PATH) and one namespace;
 * each test method runs once per {@link Shim}.
 */
@Timeout(300)
abstract class FaultBase {
  /** The CRI annotation both shims group containers by (one daemon per sandbox). */
  static final String SANDBOX = "io.kubernetes.cri.sandbox-id";

  static PrivateContainerd containerd;
  static String namespace;
  static Ctr ctr;
  static Path workDir;
  private static final AtomicInteger IDS = new AtomicInteger();

  @BeforeAll
  static void startContainerd() throws Exception {
    containerd = PrivateContainerd.builder().runtimeDir(Shim.jruncBinDir()).start();
    namespace = containerd.newNamespace();
    ctr = containerd.ctr(namespace).withTimeout(Duration.ofSeconds(60));
    workDir = Files.createTempDirectory("jshim-faults-");
  }

  @AfterAll
  static void stopContainerd() throws Exception {
    try {
      if (containerd != null) {
        containerd.close();
      }
    } finally {
      deleteRecursively(workDir);
    }
  }

  static void deleteRecursively(Path dir) throws java.io.IOException {
    if (dir == null || !Files.exists(dir)) {
      return;
    }
    try (Stream<Path> paths = Files.walk(dir)) {
      for (Path path : paths.sorted(Comparator.reverseOrder()).toList()) {
        Files.deleteIfExists(path);
      }
    }
  }

  /** @return the shims this run tests: the {@code @MethodSource} of every test */
  static Stream<Shim> shims() {
    return Shim.enabled();
  }

  /** @return a fresh container id naming the shim and the purpose */
  static String id(Shim shim, String purpose) {
    return purpose + "-" + shim.name().toLowerCase().replace('_', '-') + "-" + IDS.incrementAndGet();
  }

  /** Starts a detached {@code /bin/sleep 600} container (delete it with {@link #remove}). */
  static String startSleeper(Shim shim, String purpose, String... flags) {
    shim.requireBinary();
    String id = id(shim, purpose);
    ctr.run(ContainerRun.of(shim.runtime(), id, "/bin/sleep", "600").withFlags(flags).detached()).orThrow();
    return id;
  }

  /** Force-deletes a task (if any) and its container. */
  static void remove(String id) {
    ctr.forceDeleteTask(id);
    ctr.deleteContainer(id);
  }

  /** @return the pid column of {@code ctr task ls} for this task */
  static Optional<Long> taskPid(String id) {
    return ctr.taskLs().orThrow().stdout().lines().map(String::strip).map(l -> l.split("\\s+"))
        .filter(c -> c.length >= 3 && c[0].equals(id)).map(c -> Long.parseLong(c[1])).findFirst();
  }

  static boolean await(BooleanSupplier condition, Duration timeout) throws InterruptedException {
    long deadline = System.nanoTime() + timeout.toNanos();
    while (System.nanoTime() < deadline) {
      if (condition.getAsBoolean()) {
        return true;
      }
      Thread.sleep(100);
    }
    return condition.getAsBoolean();
  }
}
