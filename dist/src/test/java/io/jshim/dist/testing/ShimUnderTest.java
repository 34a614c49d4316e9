package io.jshim.dist.testing;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.stream.Stream;

/**
 * The shims every end-to-end, fault and CRI test runs against: Debian's Go shim (the yardstick) and ours. The jrunc
 * half runs only with {@code -Djshim.e2e.jrunc=true}; then a missing assembly fails the test (never skips it).
 */
public enum ShimUnderTest {
  /** Debian's {@code containerd-shim-runc-v2}. */
  GO_RUNC("io.containerd.runc.v2"),
  /** Our {@code containerd-shim-jrunc-v2} from {@code dist/target/jshim/bin}. */
  JRUNC("io.containerd.jrunc.v2");

  /** System property switching the jrunc half on. */
  public static final String JRUNC_PROPERTY = "jshim.e2e.jrunc";

  private final String runtime;

  ShimUnderTest(String runtime) {
    this.runtime = runtime;
  }

  /** @return the containerd runtime name */
  public String runtime() {
    return runtime;
  }

  /** @return the shims of this run: always the Go shim, jrunc when enabled */
  public static Stream<ShimUnderTest> enabled() {
    return Boolean.getBoolean(JRUNC_PROPERTY) ? Stream.of(GO_RUNC, JRUNC) : Stream.of(GO_RUNC);
  }

  /**
   * @return the dir with {@code containerd-shim-jrunc-v2} (put on containerd's PATH): {@code bin} of the
   *     {@code jshim.home} system property (failsafe sets it from {@code jshim.e2e.home}), else of {@code target/jshim}
   */
  public static Path jruncBinDir() {
    return Path.of(System.getProperty("jshim.home", "target/jshim")).toAbsolutePath().resolve("bin");
  }

  /** @return the shim binary */
  public Path binary() {
    return this == JRUNC ? jruncBinDir().resolve("containerd-shim-jrunc-v2") : Path.of("/usr/bin/containerd-shim-runc-v2");
  }

  /** Fails with a clear message when this shim's binary is not there. */
  public void requireBinary() {
    Path binary = binary();
    if (!Files.isExecutable(binary)) {
      throw new AssertionError("shim binary " + binary + " for runtime " + runtime + " is missing: "
          + (this == JRUNC ? "run `mvn -pl dist verify` (package assembles it) after framework/core and plugins/task-runc are installed"
              : "apt-get install containerd"));
    }
  }

  /**
   * ctr flags selecting another runc-compatible binary. ctr 1.6 offers {@code --runc-binary} only for
   * {@code io.containerd.runc.v2}; other runtimes get the generic {@code runtimeoptions.v1.Options} through
   * {@code --runtime-config-path} naming a TOML file with {@code BinaryName}, as CRI does.
   *
   * @param binary the runtime binary
   * @param workDir where to write the TOML file
   * @return the flags
   */
  public List<String> runtimeBinaryFlags(Path binary, Path workDir) throws IOException {
    if (this == GO_RUNC) {
      return List.of("--runc-binary", binary.toString());
    }
    Path toml = Files.createTempFile(workDir, "runtime-options-", ".toml");
    Files.writeString(toml, "BinaryName = \"" + binary + "\"\n");
    return List.of("--runtime-config-path", toml.toString());
  }

  @Override
  public String toString() {
    return runtime;
  }
}
