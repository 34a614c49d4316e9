package io.jshim.framework.config;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.jshim.framework.ConfigurationException;
import io.jshim.framework.plugin.PluginType;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class ShimConfigTest {
    @TempDir
    Path dir;

    enum Mode { FAST, SAFE }

    record Nested(int depth) { }

    record Settings(int queueCapacity, Duration retryDelay, String name, boolean verbose, List<String> tags,
            Mode mode, Path root, long big, double ratio, Nested nested) {
        Settings {
            if (queueCapacity <= 0) {
                throw new IllegalArgumentException("queue-capacity must be positive, got " + queueCapacity);
            }
        }
    }

    private static final PluginType EVENT = PluginType.EVENT;
    private static final String FULL = """
            plugins."io.containerd.event.v1".publisher {
              queue-capacity = 7
              retry-delay = 250ms
              name = pub
              verbose = true
              tags = [a, b]
              mode = safe
              root = /var/lib/x
              big = 5000000000
              ratio = 0.5
              nested { depth = 3 }
            }
            """;

    private Path write(String content) throws Exception {
        Path file = dir.resolve("jshim.conf");
        Files.writeString(file, content);
        return file;
    }

    private ShimConfig load(String content) throws Exception {
        return ShimConfig.load(Optional.of(write(content)), getClass().getClassLoader());
    }

    @Test
    void onlyAFileWithoutSubstitutionsOrIncludesAloneDecidesTheSettings() throws Exception {
        assertThat(ShimConfig.load(Optional.empty(), getClass().getClassLoader()).selfContained()).as("no file").isTrue();
        assertThat(load("jshim.grouping = namespace\n").selfContained()).isTrue();
        assertThat(load("jshim.grouping = namespace\njshim.grouping = ${?JSHIM_TEST_UNSET}\n").selfContained())
                .as("a substitution may read the environment").isFalse();
        Path other = dir.resolve("other.conf");
        Files.writeString(other, "jshim.grouping = namespace\n");
        assertThat(load("include file(\"" + other + "\")\n").selfContained()).as("an include").isFalse();
        assertThat(load("jshim.grouping = sandbox\n").withReferencesFrom(List.of(getClass().getClassLoader()))
                .selfContained()).as("kept with plugin references").isTrue();
    }

    @Test
    void frameworkDefaultsComeFromReferenceConf() {
        ShimConfig config = ShimConfig.load(Optional.empty(), getClass().getClassLoader());
        assertThat(config.framework()).isEqualTo(new FrameworkSettings(Duration.ofSeconds(5), "ffm", "", "info", 2,
                List.of(), Duration.ofSeconds(10)));
        assertThat(config.enabled(EVENT, "publisher")).isTrue();
    }

    @Test
    void frameworkKeysAreOverridden() throws Exception {
        ShimConfig config = load("jshim { shutdown-timeout = 2s, posix = jnr, address-version = 3, log-level = debug }");
        assertThat(config.framework().shutdownTimeout()).isEqualTo(Duration.ofSeconds(2));
        assertThat(config.framework().posix()).isEqualTo("jnr");
        assertThat(config.framework().addressVersion()).isEqualTo(3);
        assertThat(config.framework().logLevel()).isEqualTo("debug");
    }

    @Test
    void envNamesTheFileAndAMissingNamedFileIsAnError() throws Exception {
        Path file = write("jshim.address-version = 3");
        assertThat(ShimConfig.load(Map.of("JSHIM_CONFIG", file.toString()), getClass().getClassLoader())
                .framework().addressVersion()).isEqualTo(3);
        assertThatThrownBy(() -> ShimConfig.load(Map.of("JSHIM_CONFIG", dir.resolve("nope.conf").toString()),
                getClass().getClassLoader())).isInstanceOf(ConfigurationException.class)
                .hasMessageContaining("nope.conf").hasMessageContaining("JSHIM_CONFIG");
    }

    @Test
    void unknownFrameworkKeyNamesFileLineKeyAndSuggestion() throws Exception {
        assertThatThrownBy(() -> load("\n\njshim {\n  shutdown-timeuot = 3s\n}\n"))
                .isInstanceOf(ConfigurationException.class)
                .hasMessageContaining(dir.resolve("jshim.conf") + ":4")
                .hasMessageContaining("unknown key jshim.shutdown-timeuot")
                .hasMessageContaining("did you mean \"shutdown-timeout\"");
    }

    @Test
    void wrongTypeNamesFileLineAndKey() throws Exception {
        assertThatThrownBy(() -> load("jshim.address-version = two\n"))
                .isInstanceOf(ConfigurationException.class)
                .hasMessageContaining("jshim.conf:1")
                .hasMessageContaining("address-version");
    }

    @Test
    void invalidValueIsRejectedByTheRecord() throws Exception {
        assertThatThrownBy(() -> load("jshim.address-version = 4\n"))
                .isInstanceOf(ConfigurationException.class)
                .hasMessageContaining("address-version must be 2 or 3");
        assertThatThrownBy(() -> load("jshim.posix = jnl\n"))
                .isInstanceOf(ConfigurationException.class)
                .hasMessageContaining("posix must be");
    }

    @Test
    void syntaxErrorNamesFileAndLine() throws Exception {
        assertThatThrownBy(() -> load("jshim {\n  log-level = \n"))
                .isInstanceOf(ConfigurationException.class)
                .hasMessageContaining("jshim.conf");
    }

    @Test
    void unknownTopLevelKeyIsRejected() throws Exception {
        assertThatThrownBy(() -> load("plugin { }\n"))
                .isInstanceOf(ConfigurationException.class)
                .hasMessageContaining("jshim.conf:1")
                .hasMessageContaining("unknown key plugin")
                .hasMessageContaining("did you mean \"plugins\"");
    }

    @Test
    void pluginSettingsMapOntoTheRecord() throws Exception {
        ShimConfig config = load(FULL);
        Settings settings = config.pluginSettings(EVENT, "publisher", Settings.class);
        assertThat(settings).isEqualTo(new Settings(7, Duration.ofMillis(250), "pub", true, List.of("a", "b"),
                Mode.SAFE, Path.of("/var/lib/x"), 5_000_000_000L, 0.5, new Nested(3)));
    }

    @Test
    void pluginSettingsAreMappedOnceAndKeptWhenNoPluginJarAddsReferences() throws Exception {
        ShimConfig config = load(FULL);
        Settings settings = config.pluginSettings(EVENT, "publisher", Settings.class);
        ShimConfig effective = config.withReferencesFrom(List.of());

        assertThat(effective).as("no plugin jar: the same configuration").isSameAs(config);
        assertThat(effective.pluginSettings(EVENT, "publisher", Settings.class)).isSameAs(settings);
        assertThat(config.withReferencesFrom(List.of(getClass().getClassLoader()))).isNotSameAs(config);
        // an error is not remembered: asked again, it is thrown again
        ShimConfig bad = load(FULL.replace("queue-capacity = 7", "queue-capacity = 0"));
        for (int i = 0; i < 2; i++) {
            assertThatThrownBy(() -> bad.pluginSettings(EVENT, "publisher", Settings.class))
                    .hasMessageContaining("queue-capacity must be positive");
        }
    }

    @Test
    void unknownPluginKeyNamesFileLineKeyAndSuggestion() throws Exception {
        ShimConfig config = load(FULL.replace("  ratio = 0.5", "  ratio = 0.5\n  queue-capacty = 9"));
        assertThatThrownBy(() -> config.pluginSettings(EVENT, "publisher", Settings.class))
                .isInstanceOf(ConfigurationException.class)
                .hasMessageContaining("jshim.conf:11")
                .hasMessageContaining("unknown key plugins.\"io.containerd.event.v1\".publisher.queue-capacty")
                .hasMessageContaining("did you mean \"queue-capacity\"");
    }

    @Test
    void missingPluginKeyAndBadEnumAndRecordValidationAreErrors() throws Exception {
        assertThatThrownBy(() -> load(FULL.replace("  big = 5000000000\n", ""))
                .pluginSettings(EVENT, "publisher", Settings.class))
                .hasMessageContaining("missing key plugins.\"io.containerd.event.v1\".publisher.big");
        assertThatThrownBy(() -> load(FULL.replace("mode = safe", "mode = safe-ish"))
                .pluginSettings(EVENT, "publisher", Settings.class))
                .hasMessageContaining("jshim.conf:7").hasMessageContaining("mode").hasMessageContaining("[fast, safe]");
        assertThatThrownBy(() -> load(FULL.replace("queue-capacity = 7", "queue-capacity = 0"))
                .pluginSettings(EVENT, "publisher", Settings.class))
                .hasMessageContaining("queue-capacity must be positive");
    }

    @Test
    void enabledFlagAndUnknownPluginBlocks() throws Exception {
        ShimConfig config = load("plugins.\"io.containerd.event.v1\".publisher.enabled = false\n");
        assertThat(config.enabled(EVENT, "publisher")).isFalse();
        config.checkPluginBlocks(Set.of("io.containerd.event.v1.publisher"));
        assertThatThrownBy(() -> config.checkPluginBlocks(Set.of("io.containerd.event.v1.publish")))
                .isInstanceOf(ConfigurationException.class)
                .hasMessageContaining("jshim.conf:1")
                .hasMessageContaining("unknown plugin plugins.\"io.containerd.event.v1\".publisher")
                .hasMessageContaining("did you mean \"io.containerd.event.v1.publish\"");
    }

    @Test
    void renderShowsEffectiveValues() throws Exception {
        String rendered = load("jshim.shutdown-timeout = 3s\n").render();
        assertThat(rendered).contains("shutdown-timeout").contains("3s").contains("address-version");
    }
}
