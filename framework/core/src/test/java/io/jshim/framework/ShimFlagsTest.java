package io.jshim.framework;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.List;
import org.junit.jupiter.api.Test;

class ShimFlagsTest {
    @Test
    void parsesContainerdsStartCommandLine() {
        ShimFlags flags = ShimFlags.parse(List.of("-namespace", "default", "-address", "/run/containerd/containerd.sock",
                "-publish-binary", "/usr/bin/containerd", "-id", "abc", "-debug", "start"));
        assertThat(flags).isEqualTo(new ShimFlags("default", "abc", "/run/containerd/containerd.sock",
                "/usr/bin/containerd", "", "", "", true, false, false, false, "start"));
    }

    @Test
    void acceptsDoubleDashAndEqualsForms() {
        ShimFlags flags = ShimFlags.parse(List.of("--namespace=k8s.io", "-id=x", "--bundle", "/b", "-debug=false", "delete"));
        assertThat(flags.namespace()).isEqualTo("k8s.io");
        assertThat(flags.id()).isEqualTo("x");
        assertThat(flags.bundle()).isEqualTo("/b");
        assertThat(flags.debug()).isFalse();
        assertThat(flags.action()).isEqualTo("delete");
    }

    @Test
    void noActionMeansServe() {
        assertThat(ShimFlags.parse(List.of("-namespace", "n", "-id", "i", "-socket", "/s")).action()).isEmpty();
    }

    @Test
    void versionAndInfoNeedNoNamespace() {
        assertThat(ShimFlags.parse(List.of("-v")).version()).isTrue();
        assertThat(ShimFlags.parse(List.of("-info")).info()).isTrue();
    }

    @Test
    void errorsNameTheFlag() {
        assertThatThrownBy(() -> ShimFlags.parse(List.of("-namespace", "n", "-bogus", "start")))
                .hasMessage("flag provided but not defined: -bogus");
        assertThatThrownBy(() -> ShimFlags.parse(List.of("-namespace")))
                .hasMessage("flag needs an argument: -namespace");
        assertThatThrownBy(() -> ShimFlags.parse(List.of("-id", "x", "start")))
                .hasMessageContaining("missing flag -namespace");
        assertThatThrownBy(() -> ShimFlags.parse(List.of("-namespace", "n", "start")))
                .hasMessageContaining("missing flag -id");
        assertThatThrownBy(() -> ShimFlags.parse(List.of("-namespace", "n", "-id", "i", "start")))
                .hasMessageContaining("missing flag -address");
        assertThatThrownBy(() -> ShimFlags.parse(List.of("-namespace", "n", "-id", "i", "stop")))
                .hasMessageContaining("unknown action \"stop\"");
        assertThatThrownBy(() -> ShimFlags.parse(List.of("-debug=maybe")))
                .hasMessageContaining("-debug");
    }

    @Test
    void shimPrintsOneLineErrorAndUsageAndExits1() {
        var err = new java.io.ByteArrayOutputStream();
        int code = Shim.execute(new io.jshim.framework.toy.ToyManager(), List.of("-namespace", "n", "-nope"), java.util.Map.of(),
                java.io.InputStream.nullInputStream(), new java.io.PrintStream(new java.io.ByteArrayOutputStream()),
                new java.io.PrintStream(err));
        assertThat(code).isEqualTo(1);
        assertThat(err.toString()).startsWith("io.containerd.toy.v2: flag provided but not defined: -nope\n")
                .contains("Usage of containerd-shim-toy-v2:").contains("-publish-binary string");
    }

    @Test
    void versionPrintsNameVersionRevisionAndJava() {
        var out = new java.io.ByteArrayOutputStream();
        int code = Shim.execute(new io.jshim.framework.toy.ToyManager(), List.of("-v"), java.util.Map.of(),
                java.io.InputStream.nullInputStream(), new java.io.PrintStream(out), System.err);
        assertThat(code).isZero();
        assertThat(out.toString()).startsWith("containerd-shim-toy-v2:\n  Version:  9.9.9\n  Revision: toyrev\n  Java version: 25");
    }
}
