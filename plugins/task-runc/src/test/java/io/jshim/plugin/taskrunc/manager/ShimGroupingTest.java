package io.jshim.plugin.taskrunc.manager;

import org.junit.jupiter.api.Test;

import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;

class ShimGroupingTest {
    @Test
    void groupsByRuncGroupThenCriThenCriOThenDocker() {
        assertThat(ShimGrouping.groupOf("t", Map.of())).isEqualTo("t");
        assertThat(ShimGrouping.groupOf("t", Map.of("io.kubernetes.cri.sandbox-id", "pod"))).isEqualTo("pod");
        assertThat(ShimGrouping.groupOf("t", Map.of("io.kubernetes.cri.sandbox-id", "pod",
                "io.containerd.runc.v2.group", "g"))).isEqualTo("g");
        assertThat(ShimGrouping.groupOf("t", Map.of("io.kubernetes.cri-o.SandboxID", "crio"))).isEqualTo("crio");
        assertThat(ShimGrouping.groupOf("t", Map.of("io.kubernetes.sandbox.id", "dock"))).isEqualTo("dock");
        assertThat(ShimGrouping.groupOf("t", Map.of("io.kubernetes.cri.sandbox-id", ""))).isEqualTo("t");
    }
}
