package io.jshim.plugin.pprofjfr;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.jshim.framework.ConfigurationException;
import io.jshim.framework.registry.LoadedPlugins;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Optional;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

@Timeout(60)
class PprofJfrPluginTest {
    @TempDir
    Path dir;

    private Path bundle;
    private Path taskSocket;

    @BeforeEach
    void bundle() throws Exception {
        bundle = Files.createDirectories(dir.resolve("bundle"));
        taskSocket = dir.resolve("s/0123abcd");
    }

    @Test
    void withDebugServesNextToTheTaskSocketUntilClosed() throws Exception {
        Path debugSocket = dir.resolve("s/0123abcd.debug");
        try (LoadedPlugins loaded = PluginHarness.start(PluginHarness.options(bundle, true, taskSocket.toString(), ""), Optional.empty())) {
            assertThat(loaded.find(PluginHarness.URI)).isPresent();
            assertThat(Files.getAttribute(debugSocket, "unix:mode")).isEqualTo(0140600);
            UnixCurl curl = new UnixCurl(debugSocket, Files.createDirectories(dir.resolve("client")));
            assertThat(curl.get("/debug/threads").text()).contains("jshim-debug-request-");
            assertThat(curl.get("/debug/jfr/start?duration=1m").status()).isEqualTo(200);
            assertThat(curl.get("/debug/jfr/dump").status()).isEqualTo(200);
            assertThat(bundle.resolve(PluginHarness.URI + "/jfr-repository")).as("JFR keeps its chunks in the plugin's state dir").isDirectory();
        }
        assertThat(debugSocket).doesNotExist();
    }

    @Test
    void debugSocketFlagNamesThePath() throws Exception {
        Path flagged = dir.resolve("elsewhere/debug.sock");
        try (LoadedPlugins loaded = PluginHarness.start(
                PluginHarness.options(bundle, true, "unix://" + taskSocket, flagged.toString()), Optional.empty())) {
            assertThat(flagged).exists();
            assertThat(dir.resolve("s/0123abcd.debug")).doesNotExist();
        }
    }

    @Test
    void taskSocketAddressWithSchemeGetsTheSuffix() throws Exception {
        try (LoadedPlugins loaded = PluginHarness.start(
                PluginHarness.options(bundle, true, "unix://" + taskSocket, ""), Optional.empty())) {
            assertThat(dir.resolve("s/0123abcd.debug")).exists();
        }
    }

    @Test
    void withoutDebugSkipsItselfAndServesNothing() {
        try (LoadedPlugins loaded = PluginHarness.start(PluginHarness.options(bundle, false, taskSocket.toString(), ""), Optional.empty())) {
            assertThat(loaded.find(PluginHarness.URI)).isEmpty();
            assertThat(loaded.skipped()).containsKey(PluginHarness.URI);
            assertThat(loaded.skipped().get(PluginHarness.URI)).contains("without -debug", "always = true");
        }
        assertThat(dir.resolve("s")).doesNotExist();
        assertThat(bundle.resolve(PluginHarness.URI)).as("no state dir either").doesNotExist();
    }

    @Test
    void disabledInConfigurationEvenWithDebug() throws Exception {
        Path config = Files.writeString(dir.resolve("jshim.conf"), """
                plugins."io.containerd.debug.v1".pprof-jfr.enabled = false
                """);
        try (LoadedPlugins loaded = PluginHarness.start(PluginHarness.options(bundle, true, taskSocket.toString(), ""), Optional.of(config))) {
            assertThat(loaded.find(PluginHarness.URI)).isEmpty();
            assertThat(loaded.skipped().get(PluginHarness.URI)).contains("disabled");
        }
        assertThat(dir.resolve("s")).doesNotExist();
    }

    @Test
    void alwaysInConfigurationServesWithoutDebug() throws Exception {
        Path config = Files.writeString(dir.resolve("jshim.conf"), """
                plugins."io.containerd.debug.v1".pprof-jfr { enabled = true, always = true }
                """);
        try (LoadedPlugins loaded = PluginHarness.start(PluginHarness.options(bundle, false, taskSocket.toString(), ""), Optional.of(config))) {
            assertThat(loaded.find(PluginHarness.URI)).isPresent();
            assertThat(dir.resolve("s/0123abcd.debug")).exists();
        }
    }

    @Test
    void misspelledSettingIsRejectedWithASuggestion() throws Exception {
        Path config = Files.writeString(dir.resolve("jshim.conf"), """
                plugins."io.containerd.debug.v1".pprof-jfr.allways = true
                """);
        assertThatThrownBy(() -> PluginHarness.start(PluginHarness.options(bundle, true, taskSocket.toString(), ""), Optional.of(config)))
                .isInstanceOf(ConfigurationException.class).hasMessageContaining("allways").hasMessageContaining("always");
    }

    @Test
    void withoutAnySocketPathSkipsSayingWhy() {
        try (LoadedPlugins loaded = PluginHarness.start(PluginHarness.options(bundle, true, "", ""), Optional.empty())) {
            assertThat(loaded.skipped().get(PluginHarness.URI)).contains("-debug-socket", "-socket");
        }
    }
}
