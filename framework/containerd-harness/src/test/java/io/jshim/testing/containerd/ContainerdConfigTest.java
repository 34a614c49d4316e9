package io.jshim.testing.containerd;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class ContainerdConfigTest {
  private static ContainerdConfig config(List<CriRuntime> cri) {
    Path dir = Path.of("/tmp/x");
    return new ContainerdConfig(dir.resolve("root"), dir.resolve("state"), dir.resolve("c.sock"), dir.resolve("c.sock.ttrpc"),
        dir.resolve("opt"), "debug", cri);
  }

  @Test
  void disablesCriByDefaultAndNamesOwnPaths() {
    String toml = config(List.of()).toToml();
    assertThat(toml).startsWith("version = 2\n")
        .contains("root = \"/tmp/x/root\"", "state = \"/tmp/x/state\"", "address = \"/tmp/x/c.sock\"",
            "address = \"/tmp/x/c.sock.ttrpc\"", "level = \"debug\"", "disabled_plugins = [\"io.containerd.grpc.v1.cri\"]")
        .doesNotContain("/run/containerd/containerd.sock")
        .doesNotContain("restrict_oom_score_adj");
  }

  @Test
  void enablesCriWithRuntimeHandlers() {
    String toml = config(List.of(CriRuntime.of("jrunc", "io.containerd.jrunc.v2"),
        new CriRuntime("runc", "io.containerd.runc.v2", Map.of("BinaryName", "\"/usr/sbin/runc\"")))).toToml();
    assertThat(toml).contains("disabled_plugins = []")
        .contains("[plugins.\"io.containerd.grpc.v1.cri\"]\n    stream_server_address")
        .contains("\n    restrict_oom_score_adj = true\n    [plugins.\"io.containerd.grpc.v1.cri\".containerd]")
        .contains("[plugins.\"io.containerd.grpc.v1.cri\".containerd.runtimes.\"jrunc\"]\n        runtime_type = \"io.containerd.jrunc.v2\"")
        .contains("[plugins.\"io.containerd.grpc.v1.cri\".containerd.runtimes.\"runc\".options]\n          BinaryName = \"/usr/sbin/runc\"")
        .contains("default_runtime_name = \"jrunc\"");
  }
}
