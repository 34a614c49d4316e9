package io.jshim.dist.cri;

import io.jshim.dist.testing.ShimUnderTest;
import io.jshim.testing.containerd.CriRuntime;
import java.util.List;
import java.util.Locale;
import java.util.stream.Stream;

/**
 * The CRI runtime handlers the CRI test runs a pod with, one per {@link ShimUnderTest}: Debian's Go shim (the
 * yardstick) and ours, the jrunc one only when {@link ShimUnderTest#enabled()} includes it; then a missing assembly
 * fails the test, never skips it.
 */
enum CriHandler {
  /** Debian's {@code containerd-shim-runc-v2}. */
  GO_RUNC("runc", ShimUnderTest.GO_RUNC, "containerd-shim-runc-v2"),
  /** Our {@code containerd-shim-jrunc-v2} from {@code dist/target/jshim/bin}. */
  JRUNC("jrunc", ShimUnderTest.JRUNC, "jrunc");

  private final String handler;
  private final ShimUnderTest shim;
  private final String cmdlineMarker;

  CriHandler(String handler, ShimUnderTest shim, String cmdlineMarker) {
    this.handler = handler;
    this.shim = shim;
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
  boolean isShim(List<String> argv) {
    return String.join(" ", argv).toLowerCase(Locale.ROOT).contains(cmdlineMarker);
  }

  /** @return the containerd CRI config entry of this handler */
  CriRuntime criRuntime() {
    return CriRuntime.of(handler, shim.runtime());
  }

  /** @return the handlers of this run: those of the {@linkplain ShimUnderTest#enabled() enabled shims} */
  static Stream<CriHandler> enabled() {
    return ShimUnderTest.enabled().map(CriHandler::of);
  }

  private static CriHandler of(ShimUnderTest shim) {
    return Stream.of(values()).filter(h -> h.shim == shim).findFirst().orElseThrow();
  }

  /** Fails with a clear message when this handler's shim binary is not there. */
  void requireBinary() {
    shim.requireBinary();
  }

  @Override
  public String toString() {
    return handler + " (" + shim.runtime() + ")";
  }
}
