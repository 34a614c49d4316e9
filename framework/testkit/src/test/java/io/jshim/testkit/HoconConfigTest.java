package io.jshim.testkit;

import static org.assertj.core.api.Assertions.assertThat;

import com.typesafe.config.Config;
import com.typesafe.config.ConfigFactory;
import io.jshim.framework.plugin.PluginType;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.Test;

class HoconConfigTest {
    @Test
    void rendersValuesThatParseBackUnderTheirPaths() {
        HoconConfig config = HoconConfig.create()
                .set("jshim.shutdown-timeout", Duration.ofSeconds(2))
                .set("jshim.plugins-dir", Path.of("/opt/plugins"))
                .set("jshim.interceptor-order", List.of("io.containerd.ttrpc.v1.notes"))
                .plugin(PluginType.TTRPC, "notes", "max-notes", 3)
                .disable(PluginType.EVENT, "publisher")
                .append("plugins.\"io.containerd.ttrpc.v1\".notes.max-note-bytes = 10");

        Config parsed = ConfigFactory.parseString(config.render());

        assertThat(parsed.getDuration("jshim.shutdown-timeout")).isEqualTo(Duration.ofSeconds(2));
        assertThat(parsed.getString("jshim.plugins-dir")).isEqualTo("/opt/plugins");
        assertThat(parsed.getStringList("jshim.interceptor-order")).containsExactly("io.containerd.ttrpc.v1.notes");
        assertThat(parsed.getInt("plugins.\"io.containerd.ttrpc.v1\".notes.max-notes")).isEqualTo(3);
        assertThat(parsed.getInt("plugins.\"io.containerd.ttrpc.v1\".notes.max-note-bytes")).isEqualTo(10);
        assertThat(parsed.getBoolean("plugins.\"io.containerd.event.v1\".publisher.enabled")).isFalse();
    }

    @Test
    void isImmutable() {
        HoconConfig empty = HoconConfig.create();
        empty.set("jshim.log-level", "debug");
        assertThat(ConfigFactory.parseString(empty.render()).isEmpty()).isTrue();
    }
}
