package io.jshim.dist.faults;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.stream.Stream;

/**
 * The shims every fault test runs against: Debian's Go shim (the yardstick) and ours, the latter only with
 * {@code -Djshim.e2e.jrunc=true} (a copy of the e2e suite's switch, which is package-private there).
 */
enum Shim {
  /** Debian's {@code containerd-shim-runc-v2}. */
  GO_RUNC("io.containerd.runc.v2"),
  /** Our {@code containerd-shim-jrunc-v2} from {@code dist/target/jshim/bin}. */
  JRUNC("io.containerd.jrunc.v2");

  private final String runtime;

  Shim(String runtime) {
    this.runtime = runtime;
  }

  /** @return the containerd runtime name */
  String runtime() {
    return runtime;
  }

  /** @return the shims of this run: always the Go shim, jrunc when enabled */
  static Stream<Shim> enabled() {
    return Boolean.getBoolean("jshim.e2e.jrunc") ? Stream.of(GO_RUNC, JRUNC) : Stream.of(GO_RUNC);
  }

  /** @return the dir with {@code containerd-shim-jrunc-v2} (put on containerd's PATH) */
  static Path jruncBinDir() {
    return Path.of(System.getProperty("jshim.home", "target/jshim")).toAbsolutePath().resolve("bin");
  }

  /** @return the shim binary */
  Path binary() {
    return this == JRUNC ? jruncBinDir().resolve("containerd-shim-jrunc-v2") : Path.of("/usr/bin/containerd-shim-runc-v2");
  }

  /** Fails with a clear message when this shim's binary is not there. */
  void requireBinary() {
    if (!Files.isExecutable(binary())) {
      throw new AssertionError("shim binary " + binary() + " for runtime " + runtime + " is missing: "
          + (this == JRUNC ? "run `mvn -pl dist package`" : "apt-get install containerd"));
    }
  }

  /**
   * @param binary a runc-compatible binary
   * @param workDir where to write the runtime options TOML for jrunc
   * @return ctr flags selecting it: {@code --runc-binary} for the Go shim, a TOML {@code BinaryName} for jrunc
   */
  List<String> runtimeBinaryFlags(Path binary, Path workDir) throws IOException {
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
