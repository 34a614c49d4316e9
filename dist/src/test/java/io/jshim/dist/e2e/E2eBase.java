package io.jshim.dist.e2e;

import io.jshim.testing.containerd.CommandResult;
import io.jshim.testing.containerd.ContainerRun;
import io.jshim.testing.containerd.Ctr;
import io.jshim.testing.containerd.PrivateContainerd;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.BooleanSupplier;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Timeout;

/**
 * One private containerd per test class (with {@code dist/target/jshim/bin} on its PATH) and one namespace;
 * each test method runs once per {@link ShimUnderTest}.
 */
@Timeout(180)
abstract class E2eBase {
  static PrivateContainerd containerd;
  static String namespace;
  static Ctr ctr;
  static Path workDir;
  private static final AtomicInteger IDS = new AtomicInteger();

  @BeforeAll
  static void startContainerd() throws Exception {
    containerd = PrivateContainerd.builder().runtimeDir(ShimUnderTest.jruncBinDir()).start();
    namespace = containerd.newNamespace();
    ctr = containerd.ctr(namespace).withTimeout(Duration.ofSeconds(60));
    workDir = Files.createTempDirectory("jshim-e2e-");
  }

  @AfterAll
  static void stopContainerd() throws Exception {
    try {
      if (containerd != null) {
        containerd.close();
      }
    } finally {
      if (workDir != null) {
        try (Stream<Path> paths = Files.walk(workDir)) {
          for (Path path : paths.sorted(java.util.Comparator.reverseOrder()).toList()) {
            Files.deleteIfExists(path);
          }
        }
      }
    }
  }

  /** @return the shims this run tests: the {@code @MethodSource} of every test */
  static Stream<ShimUnderTest> shims() {
    return ShimUnderTest.enabled();
  }

  /** @return a fresh container id naming the shim and the purpose */
  static String id(ShimUnderTest shim, String purpose) {
    return purpose + "-" + shim.name().toLowerCase().replace('_', '-') + "-" + IDS.incrementAndGet();
  }

  /** Starts a detached {@code /bin/sleep 600} container (delete it with {@link #remove}). */
  static String startSleeper(ShimUnderTest shim, String purpose, String... flags) {
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

  static CommandResult run(ShimUnderTest shim, String id, String... command) {
    shim.requireBinary();
    return ctr.run(shim.runtime(), id, command);
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
