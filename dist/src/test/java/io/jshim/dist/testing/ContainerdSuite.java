package io.jshim.dist.testing;

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
import org.junit.jupiter.api.AfterEach;

/**
 * The fixture of the e2e and fault suites: one private containerd per test class (with the jrunc assembly's
 * {@code bin} on its PATH), one namespace, a {@code ctr} bound to it and a temporary work dir; each test method
 * runs once per {@link ShimUnderTest}. A suite's base class starts it from its {@code @BeforeAll} with
 * {@link #startContainerd(String)}; it stops after all tests of the class.
 */
public abstract class ContainerdSuite {
  /** The containerd of the running test class. */
  protected static PrivateContainerd containerd;
  /** The namespace of the running test class. */
  protected static String namespace;
  /** {@code ctr} on {@link #containerd} and {@link #namespace}, 60 s a command. */
  protected static Ctr ctr;
  /** A temporary directory of the running test class, deleted after it. */
  protected static Path workDir;
  /**
   * The warm spares of jrunc under this containerd (its {@code JSHIM_SPARE_RUN} is a temporary directory of the test
   * class): killed and removed after the class.
   */
  protected static Spares spares;
  private static final AtomicInteger IDS = new AtomicInteger();

  /**
   * Starts the containerd of a test class.
   *
   * @param workDirPrefix the prefix of {@link #workDir}'s name
   */
  protected static void startContainerd(String workDirPrefix) throws Exception {
    startContainerd(workDirPrefix, ShimUnderTest.jruncBinDir());
  }

  /**
   * Starts the containerd of a test class with {@code firstOnPath} before the jrunc assembly's {@code bin} on its
   * PATH (e.g. wrappers of the shim binaries).
   *
   * @param workDirPrefix the prefix of {@link #workDir}'s name
   * @param firstOnPath the directory containerd looks for shims in first
   */
  protected static void startContainerd(String workDirPrefix, Path firstOnPath) throws Exception {
    SparesOff.requireConfiguration();
    spares = new Spares(Files.createTempDirectory("jshim-spare-run-"));
    var builder = PrivateContainerd.builder().runtimeDir(firstOnPath)
        .environment("JSHIM_SPARE_RUN", spares.run().toString());
    if (!firstOnPath.equals(ShimUnderTest.jruncBinDir())) {
      builder.runtimeDir(ShimUnderTest.jruncBinDir());
    }
    containerd = builder.start();
    namespace = containerd.newNamespace();
    ctr = containerd.ctr(namespace).withTimeout(Duration.ofSeconds(60));
    workDir = Files.createTempDirectory(workDirPrefix);
  }

  /** In the spares-off run ({@link SparesOff}): fails the test after which a spare directory or process exists. */
  @AfterEach
  void noSpareWhenOff() {
    if (spares != null) {
      SparesOff.assertNoSpare(spares);
    }
  }

  /**
   * Stops the containerd of the test class and deletes its work dir; in the spares-off run, fails first when a spare
   * directory or process exists (e.g. of the class's {@code @BeforeAll} or {@code @AfterAll}).
   */
  @AfterAll
  protected static void stopContainerd() throws Exception {
    try {
      if (spares != null) {
        SparesOff.assertNoSpare(spares);
      }
    } finally {
      closeContainerd();
    }
  }

  private static void closeContainerd() throws Exception {
    try {
      if (containerd != null) {
        containerd.close();
      }
    } finally {
      Directories.deleteRecursively(workDir);
      if (spares != null) {
        spares.killAll();
        Directories.deleteRecursively(spares.run());
      }
    }
  }

  /** @return the shims this run tests: the {@code @MethodSource} of every test */
  protected static Stream<ShimUnderTest> shims() {
    return ShimUnderTest.enabled();
  }

  /** @return a fresh container id naming the shim and the purpose */
  protected static String id(ShimUnderTest shim, String purpose) {
    return purpose + "-" + shim.name().toLowerCase().replace('_', '-') + "-" + IDS.incrementAndGet();
  }

  /** Starts a detached {@code /bin/sleep 600} container (delete it with {@link #remove}). */
  protected static String startSleeper(ShimUnderTest shim, String purpose, String... flags) {
    shim.requireBinary();
    String id = id(shim, purpose);
    ctr.run(ContainerRun.of(shim.runtime(), id, "/bin/sleep", "600").withFlags(flags).detached()).orThrow();
    return id;
  }

  /** Force-deletes a task (if any) and its container. */
  protected static void remove(String id) {
    ctr.forceDeleteTask(id);
    ctr.deleteContainer(id);
  }

  /** Runs a container in the foreground on this shim (after checking its binary). */
  protected static CommandResult run(ShimUnderTest shim, String id, String... command) {
    shim.requireBinary();
    return ctr.run(shim.runtime(), id, command);
  }

  /** @return whether the condition held within the timeout (polled every 100 ms), see {@link Conditions#await} */
  protected static boolean await(BooleanSupplier condition, Duration timeout) throws InterruptedException {
    return Conditions.await(condition, timeout);
  }
}
