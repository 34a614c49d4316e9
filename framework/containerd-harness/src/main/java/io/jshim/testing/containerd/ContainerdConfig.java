package io.jshim.testing.containerd;

import java.nio.file.Path;
import java.util.List;
import java.util.Objects;
import java.util.TreeMap;

/**
 * The {@code config.toml} (version 2) of a private containerd: its own root, state, sockets and plugin dir,
 * so it shares nothing with the machine's containerd except the fixed {@code /run/containerd/{s,fifo,runc}}.
 *
 * @param root containerd's root (content, metadata, snapshots)
 * @param state containerd's state (bundles under {@code io.containerd.runtime.v2.task})
 * @param grpcAddress the gRPC socket ctr talks to; shims get it as {@code -address}
 * @param ttrpcAddress the TTRPC socket shims publish events to
 * @param optDir the {@code io.containerd.internal.v1.opt} dir (default would be the machine's /opt/containerd)
 * @param debugLevel containerd's log level; {@code debug} makes containerd pass {@code -debug} to shims
 * @param criRuntimes the CRI runtime handlers; empty disables the CRI plugin
 */
public record ContainerdConfig(Path root, Path state, Path grpcAddress, Path ttrpcAddress, Path optDir,
    String debugLevel, List<CriRuntime> criRuntimes) {

  /** The CRI plugin's id, disabled unless CRI runtimes are configured. */
  public static final String CRI_PLUGIN = "io.containerd.grpc.v1.cri";

  /** Validates and copies. */
  public ContainerdConfig {
    Objects.requireNonNull(root, "root is null");
    Objects.requireNonNull(state, "state is null");
    Objects.requireNonNull(grpcAddress, "grpcAddress is null");
    Objects.requireNonNull(ttrpcAddress, "ttrpcAddress is null");
    Objects.requireNonNull(optDir, "optDir is null");
    Objects.requireNonNull(debugLevel, "debugLevel is null");
    criRuntimes = List.copyOf(criRuntimes);
  }

  /** @return the TOML text containerd reads with {@code --config} */
  public String toToml() {
    StringBuilder toml = new StringBuilder();
    toml.append("version = 2\n");
    toml.append("root = ").append(quote(root.toString())).append('\n');
    toml.append("state = ").append(quote(state.toString())).append('\n');
    toml.append("oom_score = 0\n");
    toml.append("disabled_plugins = [")
        .append(criRuntimes.isEmpty() ? quote(CRI_PLUGIN) : "")
        .append("]\n\n");
    toml.append("[grpc]\n  address = ").append(quote(grpcAddress.toString())).append('\n');
    toml.append("\n[ttrpc]\n  address = ").append(quote(ttrpcAddress.toString())).append('\n');
    toml.append("\n[debug]\n  level = ").append(quote(debugLevel)).append('\n');
    toml.append("\n[metrics]\n  address = \"\"\n");
    toml.append("\n[plugins]\n");
    toml.append("  [plugins.\"io.containerd.internal.v1.opt\"]\n    path = ")
        .append(quote(optDir.toString())).append('\n');
    if (!criRuntimes.isEmpty()) {
      appendCri(toml);
    }
    return toml.toString();
  }

  private void appendCri(StringBuilder toml) {
    String cri = "plugins.\"" + CRI_PLUGIN + "\"";
    toml.append("  [").append(cri).append("]\n");
    toml.append("    stream_server_address = \"127.0.0.1\"\n    stream_server_port = \"0\"\n");
    toml.append("    enable_selinux = false\n    disable_apparmor = true\n");
    // the pause container asks for oom_score_adj -998, which root without CAP_SYS_RESOURCE may not set
    toml.append("    restrict_oom_score_adj = true\n");
    toml.append("    [").append(cri).append(".containerd]\n");
    toml.append("      default_runtime_name = ").append(quote(criRuntimes.getFirst().handler())).append('\n');
    for (CriRuntime runtime : criRuntimes) {
      String table = cri + ".containerd.runtimes." + quote(runtime.handler());
      toml.append("      [").append(table).append("]\n");
      toml.append("        runtime_type = ").append(quote(runtime.runtimeType())).append('\n');
      if (!runtime.options().isEmpty()) {
        toml.append("        [").append(table).append(".options]\n");
        new TreeMap<>(runtime.options()).forEach((key, value) ->
            toml.append("          ").append(key).append(" = ").append(value).append('\n'));
      }
    }
  }

  private static String quote(String value) {
    return "\"" + value.replace("\\", "\\\\").replace("\"", "\\\"") + "\"";
  }
}
