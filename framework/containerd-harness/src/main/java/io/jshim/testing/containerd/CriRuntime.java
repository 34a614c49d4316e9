package io.jshim.testing.containerd;

import java.util.Map;
import java.util.Objects;

/**
 * A CRI runtime handler of the private containerd: {@code [plugins."io.containerd.grpc.v1.cri".containerd.runtimes.<handler>]}.
 *
 * @param handler the handler name Kubernetes' RuntimeClass (or {@code crictl runp --runtime}) names
 * @param runtimeType the containerd runtime, e.g. {@code io.containerd.jrunc.v2}
 * @param options the handler's {@code options} table as key to TOML value, written verbatim (quote strings
 *     yourself: {@code Map.of("BinaryName", "\"/usr/sbin/runc\"")}); empty for no options table at all
 */
public record CriRuntime(String handler, String runtimeType, Map<String, String> options) {
  /** Validates and copies. */
  public CriRuntime {
    Objects.requireNonNull(handler, "handler is null");
    Objects.requireNonNull(runtimeType, "runtimeType is null");
    options = Map.copyOf(options);
  }

  /**
   * @param handler the handler name
   * @param runtimeType the containerd runtime
   * @return a handler without options table
   */
  public static CriRuntime of(String handler, String runtimeType) {
    return new CriRuntime(handler, runtimeType, Map.of());
  }
}
