package io.jshim.framework;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.charset.StandardCharsets;
import org.junit.jupiter.api.Test;

class SocketAddressTest {
    @Test
    void matchesContainerdsDerivation() throws Exception {
        // computed independently: printf '%s' '/run/containerd/containerd.sock/default/abc' | sha256sum
        Process sha = new ProcessBuilder("sh", "-c", "printf '%s' '/run/containerd/containerd.sock/default/abc' | sha256sum").start();
        String expected = new String(sha.getInputStream().readAllBytes(), StandardCharsets.UTF_8).split(" ")[0];
        assertThat(sha.waitFor()).isZero();
        assertThat(expected).hasSize(64);
        assertThat(SocketAddress.of("/run/containerd/containerd.sock", "default", "abc"))
                .isEqualTo("unix:///run/containerd/s/" + expected);
    }

    @Test
    void joinCleansLikeGo() {
        assertThat(SocketAddress.goPathJoin("/run/containerd/containerd.sock/", "default", "abc"))
                .isEqualTo("/run/containerd/containerd.sock/default/abc");
        assertThat(SocketAddress.goPathJoin("", "ns", "id")).isEqualTo("ns/id");
        assertThat(SocketAddress.goPathJoin("/a/./b/../c", "ns", "id")).isEqualTo("/a/c/ns/id");
    }

    @Test
    void binaryNameFollowsContainerd() {
        assertThat(Shim.binaryName("io.containerd.jrunc.v2")).isEqualTo("containerd-shim-jrunc-v2");
    }
}
