package io.jshim.plugin.pprofjfr;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.jshim.framework.plugin.SkipPluginException;
import java.net.StandardProtocolFamily;
import java.net.UnixDomainSocketAddress;
import java.nio.channels.ServerSocketChannel;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class DebugSocketPathTest {
    @TempDir
    Path dir;

    @Test
    void debugSocketFlagComesFirst() throws Exception {
        assertThat(DebugSocketPath.resolve(PluginHarness.options(dir, true, "/run/s/abc", "/run/s/other.debug"), null))
                .isEqualTo(Path.of("/run/s/other.debug"));
        assertThat(DebugSocketPath.resolve(PluginHarness.options(dir, true, "", "unix:///run/s/other.debug"), null))
                .isEqualTo(Path.of("/run/s/other.debug"));
    }

    @Test
    void elseTheSocketFlagWithSuffix() throws Exception {
        assertThat(DebugSocketPath.resolve(PluginHarness.options(dir, true, "unix:///run/s/abc", ""), null))
                .isEqualTo(Path.of("/run/s/abc.debug"));
    }

    @Test
    void elseTheListeningSocketInheritedOnFdZeroWithSuffix() throws Exception {
        Path task = dir.resolve("0123abcd");
        try (ServerSocketChannel listening = ServerSocketChannel.open(StandardProtocolFamily.UNIX)) {
            listening.bind(UnixDomainSocketAddress.of(task));
            assertThat(DebugSocketPath.resolve(PluginHarness.options(dir, true, "", ""), listening))
                    .isEqualTo(Path.of(task + ".debug"));
        }
    }

    @Test
    void elseSkipsSayingWhatWasMissing() {
        assertThatThrownBy(() -> DebugSocketPath.resolve(PluginHarness.options(dir, true, "", ""), null))
                .isInstanceOf(SkipPluginException.class)
                .hasMessageContaining("-debug-socket").hasMessageContaining("-socket").hasMessageContaining("fd 0");
    }
}
