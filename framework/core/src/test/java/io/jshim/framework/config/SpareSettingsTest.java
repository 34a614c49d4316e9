package io.jshim.framework.config;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.jshim.framework.ConfigurationException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Optional;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class SpareSettingsTest {
    @TempDir
    Path dir;

    private ShimConfig load(String content) throws Exception {
        Path file = dir.resolve("jshim.conf");
        Files.writeString(file, content);
        return ShimConfig.load(Optional.of(file), getClass().getClassLoader());
    }

    @Test
    void defaultsAreOneSpareWithBoundsAndNoLimits() {
        SpareSettings spare = ShimConfig.load(Optional.empty(), getClass().getClassLoader()).framework().spare();

        assertThat(spare).isEqualTo(SpareSettings.DEFAULT);
        assertThat(spare.count()).isEqualTo(1);
        assertThat(spare.handoffTimeout()).isEqualTo(Duration.ofSeconds(2));
        assertThat(spare.idleTimeout()).isZero();
        assertThat(spare.maxIdleMemory().toBytes()).isZero();
    }

    @Test
    void keysAreRead() throws Exception {
        SpareSettings spare = load("jshim.spare { count = 0, idle-timeout = 10m, max-idle-memory = 96M, "
                + "handoff-timeout = 500ms, refill-delay = 0s }").framework().spare();

        assertThat(spare.count()).isZero();
        assertThat(spare.enabled()).isFalse();
        assertThat(spare.idleTimeout()).isEqualTo(Duration.ofMinutes(10));
        assertThat(spare.maxIdleMemory().toBytes()).isEqualTo(96L * 1024 * 1024);
        assertThat(spare.handoffTimeout()).isEqualTo(Duration.ofMillis(500));
    }

    @Test
    void invalidValuesNameTheirKey() {
        assertThatThrownBy(() -> load("jshim.spare.count = 9")).isInstanceOf(ConfigurationException.class)
                .hasMessageContaining("jshim.spare.count must be 0 (no spares) to 8, got 9");
        assertThatThrownBy(() -> load("jshim.spare.count = -1")).isInstanceOf(ConfigurationException.class)
                .hasMessageContaining("jshim.spare.count");
        assertThatThrownBy(() -> load("jshim.spare.count = one")).isInstanceOf(ConfigurationException.class)
                .hasMessageContaining("jshim.spare.count");
        assertThatThrownBy(() -> load("jshim.spare.handoff-timeout = 10ms")).isInstanceOf(ConfigurationException.class)
                .hasMessageContaining("jshim.spare.handoff-timeout must be between 100ms and 1m");
        assertThatThrownBy(() -> load("jshim.spare.idle-timeout = -1s")).isInstanceOf(ConfigurationException.class)
                .hasMessageContaining("jshim.spare.idle-timeout");
        assertThatThrownBy(() -> load("jshim.spare.max-idle-memory = lots")).isInstanceOf(ConfigurationException.class)
                .hasMessageContaining("jshim.spare.max-idle-memory");
        assertThatThrownBy(() -> load("jshim.spare.counts = 1")).isInstanceOf(ConfigurationException.class)
                .hasMessageContaining("unknown key jshim.spare.counts").hasMessageContaining("count");
    }
}
