package io.jshim.testkit;

import static java.util.Objects.requireNonNull;

import com.typesafe.config.Config;
import com.typesafe.config.ConfigFactory;
import com.typesafe.config.ConfigRenderOptions;
import com.typesafe.config.ConfigUtil;
import com.typesafe.config.ConfigValueFactory;
import io.jshim.framework.plugin.PluginType;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;

/**
 * Builds the operator's HOCON file of a {@link TestShim}: framework keys ({@code jshim.*}), plugin blocks
 * ({@code plugins."<type>".<id>.*}) and raw HOCON text. The shim reads it exactly as it reads
 * {@code /etc/jshim/jshim.conf}, over the {@code reference.conf} of every plugin, so the same validation
 * applies (unknown keys, wrong types).
 *
 * <pre>{@code
 * HoconConfig config = HoconConfig.create()
 *         .plugin(PluginType.TTRPC, "notes", "max-notes", 3)
 *         .disable(PluginType.of("io.containerd.debug.v1"), "pprof")
 *         .set("jshim.shutdown-timeout", Duration.ofSeconds(2));
 * }</pre>
 *
 * <p>Instances are immutable; each method returns a new one.
 */
public final class HoconConfig {
    private final Config values;
    private final List<String> raw;

    private HoconConfig(Config values, List<String> raw) {
        this.values = values;
        this.raw = List.copyOf(raw);
    }

    /** An empty configuration: every value comes from the {@code reference.conf} files. */
    public static HoconConfig create() {
        return new HoconConfig(ConfigFactory.empty(), List.of());
    }

    /**
     * Sets a value at a HOCON path, e.g. {@code jshim.shutdown-timeout}. Values: {@code String},
     * numbers, {@code Boolean}, {@code Duration} (written in milliseconds), {@code Path}, and lists of
     * those.
     */
    public HoconConfig set(String path, Object value) {
        requireNonNull(path, "path is null");
        requireNonNull(value, "value is null");
        return new HoconConfig(values.withValue(path, ConfigValueFactory.fromAnyRef(plain(value))), raw);
    }

    /** Sets {@code plugins."<type>".<id>.<key>}, e.g. {@code plugin(PluginType.TTRPC, "notes", "max-notes", 3)}. */
    public HoconConfig plugin(PluginType type, String id, String key, Object value) {
        return set(pluginPath(type, id) + "." + requireNonNull(key, "key is null"), value);
    }

    /** Sets {@code plugins."<type>".<id>.enabled = false}. */
    public HoconConfig disable(PluginType type, String id) {
        return set(pluginPath(type, id) + ".enabled", false);
    }

    /** Sets {@code plugins."<type>".<id>.enabled = true}. */
    public HoconConfig enable(PluginType type, String id) {
        return set(pluginPath(type, id) + ".enabled", true);
    }

    /** Appends HOCON text; it wins over values set with the other methods when both name a key. */
    public HoconConfig append(String hocon) {
        requireNonNull(hocon, "hocon is null");
        List<String> more = new ArrayList<>(raw);
        more.add(hocon);
        return new HoconConfig(values, more);
    }

    /** The HOCON text of the file. */
    public String render() {
        StringBuilder out = new StringBuilder("# written by io.jshim.testkit.HoconConfig\n");
        if (!values.isEmpty()) {
            out.append(values.root().render(ConfigRenderOptions.defaults().setOriginComments(false).setJson(false)));
        }
        for (String text : raw) {
            out.append('\n').append(text).append('\n');
        }
        return out.toString();
    }

    /** Writes {@link #render()} to {@code file}. */
    public Path writeTo(Path file) {
        try {
            return Files.writeString(file, render());
        } catch (IOException e) {
            throw new UncheckedIOException("failed to write test configuration " + file + ": " + e.getMessage(), e);
        }
    }

    @Override
    public String toString() {
        return render();
    }

    static String pluginPath(PluginType type, String id) {
        requireNonNull(type, "type is null");
        requireNonNull(id, "id is null");
        return ConfigUtil.joinPath("plugins", type.name(), id);
    }

    private static Object plain(Object value) {
        if (value instanceof Duration duration) {
            return duration.toMillis() + "ms";
        }
        if (value instanceof Path path) {
            return path.toString();
        }
        if (value instanceof List<?> list) {
            return list.stream().map(HoconConfig::plain).toList();
        }
        return value;
    }
}
