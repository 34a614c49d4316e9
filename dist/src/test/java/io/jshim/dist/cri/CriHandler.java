package io.jshim.dist.cri;

import io.jshim.testing.containerd.CriRuntime;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.stream.Stream;

/**
 * The CRI runtime handlers the CRI test runs a pod with: Debian's Go shim (the yardstick) and ours, the jrunc one
 * only with {@code -Djshim.e2e.jrunc=true} (the switch of the whole e2e suite); then a missing assembly fails the
 * test, never skips it.
 */
enum CriHandler {
  /** Debian's {@code containerd-shim-runc-v2}. */
  GO_RUNC("runc", "io.containerd.runc.v2", Path.of("/usr/bin/containerd-shim-runc-v2"), "containerd-shim-runc-v2"),
  /** Our {@code containerd-shim-jrunc-v2} from {@code dist/target/jshim/bin}. */
  JRUNC("jrunc", "io.containerd.jrunc.v2", jruncBinDir().resolve("containerd-shim-jrunc-v2"), "jrunc");

  /** System property switching the jrunc half on (the e2e suite's). */
  static final String JRUNC_PROPERTY = "jshim.e2e.jrunc";

  private final String handler;
  private final String runtimeType;
  private final Path binary;
  private final String cmdlineMarker;

  CriHandler(String handler, String runtimeType, Path binary, String cmdlineMarker) {
    this.handler = handler;
    this.runtimeType = runtimeType;
    this.binary = binary;
    this.cmdlineMarker = cmdlineMarker;
  }

  /** @return the name RunPodSandbox's {@code runtime_handler} selects */
  String handler() {
    return handler;
  }

  /**
   * @param argv a shim daemon's command line
   * @return whether it is this handler's shim: the Go binary's name, or {@code jrunc} (case-insensitive) in the
   *     Java launcher's {@code java ... io.jshim.dist.JruncShim ...} line
   */
  boolean isShim(java.util.List<String> argv) {
    return String.join(" ", argv).toLowerCase(java.util.Locale.ROOT).contains(cmdlineMarker);
  }

  /** @return the containerd CRI config entry of this handler */
  CriRuntime criRuntime() {
    return CriRuntime.of(handler, runtimeType);
  }

  /** @return the handlers of this run: always the Go shim, jrunc when enabled */
  static Stream<CriHandler> enabled() {
    return Boolean.getBoolean(JRUNC_PROPERTY) ? Stream.of(GO_RUNC, JRUNC) : Stream.of(GO_RUNC);
  }

  /** @return the dir with {@code containerd-shim-jrunc-v2} (put on containerd's PATH) */
  static Path jruncBinDir() {
    return Path.of(System.getProperty("jshim.home", "target/jshim")).toAbsolutePath().resolve("bin");
  }

  /** Fails with a clear message when this handler's shim binary is not there. */
  void requireBinary() {
    if (!Files.isExecutable(binary)) {
      throw new AssertionError("shim binary " + binary + " for runtime " + runtimeType + " is missing: "
          + (this == JRUNC ? "run `mvn -pl dist verify` (package assembles it)" : "apt-get install containerd"));
    }
  }

  @Override
  public String toString() {
    return handler + " (" + runtimeType + ")";
  }
}
