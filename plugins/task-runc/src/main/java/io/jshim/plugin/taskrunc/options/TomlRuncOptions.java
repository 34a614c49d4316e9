package io.jshim.plugin.taskrunc.options;

import io.jshim.plugin.taskrunc.error.TaskException;
import org.tomlj.Toml;
import org.tomlj.TomlParseResult;
import org.tomlj.TomlTable;

import java.io.IOException;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.stream.Collectors;

/**
 * Reads runc options from the TOML file CRI points to with {@code runtimeoptions.v1.Options.config_path}.
 * Keys are matched like Go's TOML decoder matches struct fields: case-insensitively, so {@code BinaryName},
 * {@code binary_name} and {@code binaryname} all set {@link RuncOptions#binaryName()}. Unknown keys are an
 * error naming the file and the key.
 */
public final class TomlRuncOptions {
    private static final Set<String> KNOWN = Set.of("binaryname", "root", "criupath", "systemdcgroup",
            "nopivotroot", "nonewkeyring", "shimcgroup", "iouid", "iogid", "criuimagepath", "criuworkpath");

    private TomlRuncOptions() {
    }

    /**
     * Parses {@code file}.
     *
     * @throws TaskException.InvalidArgument when it cannot be read, is not valid TOML, or has unknown keys
     */
    public static RuncOptions read(Path file) {
        TomlParseResult toml;
        try {
            toml = Toml.parse(file);
        } catch (IOException e) {
            throw new TaskException.InvalidArgument("failed to read runtime options file " + file + ": " + e, e);
        }
        return map(toml, file.toString());
    }

    /**
     * Parses an in-memory TOML document ({@code runtimeoptions.v1.Options.config_body}).
     *
     * @param name names the source in messages
     */
    public static RuncOptions parse(String toml, String name) {
        return map(Toml.parse(toml), name);
    }

    private static RuncOptions map(TomlParseResult toml, String file) {
        if (toml.hasErrors()) {
            throw new TaskException.InvalidArgument("failed to parse runtime options file " + file + ": "
                    + toml.errors().stream().map(Object::toString).collect(Collectors.joining("; ")));
        }
        Map<String, Object> values = new HashMap<>();
        for (Map.Entry<String, Object> e : toml.dottedEntrySet()) {
            String key = normalise(e.getKey());
            if (!KNOWN.contains(key)) {
                throw new TaskException.InvalidArgument("failed to parse runtime options file " + file
                        + ": unknown key " + e.getKey());
            }
            values.put(key, e.getValue());
        }
        return new RuncOptions(string(values, "binaryname", file), string(values, "root", file),
                string(values, "criupath", file), bool(values, "systemdcgroup", file),
                bool(values, "nopivotroot", file), bool(values, "nonewkeyring", file),
                string(values, "shimcgroup", file), integer(values, "iouid", file), integer(values, "iogid", file),
                string(values, "criuimagepath", file), string(values, "criuworkpath", file));
    }

    private static String normalise(String key) {
        return key.replace("_", "").replace("-", "").toLowerCase(Locale.ROOT);
    }

    private static String string(Map<String, Object> values, String key, String file) {
        Object v = values.get(key);
        if (v == null) {
            return "";
        }
        if (v instanceof String s) {
            return s;
        }
        throw wrongType(file, key, "a string", v);
    }

    private static boolean bool(Map<String, Object> values, String key, String file) {
        Object v = values.get(key);
        if (v == null) {
            return false;
        }
        if (v instanceof Boolean b) {
            return b;
        }
        throw wrongType(file, key, "a boolean", v);
    }

    private static int integer(Map<String, Object> values, String key, String file) {
        Object v = values.get(key);
        if (v == null) {
            return 0;
        }
        if (v instanceof Long l && l >= 0 && l <= 0xffffffffL) {
            return (int) (long) l;
        }
        throw wrongType(file, key, "an unsigned 32-bit integer", v);
    }

    private static TaskException wrongType(String file, String key, String expected, Object v) {
        String shown = v instanceof TomlTable ? "a table" : String.valueOf(v);
        return new TaskException.InvalidArgument("failed to parse runtime options file " + file + ": " + key
                + " must be " + expected + ", got " + shown);
    }
}
