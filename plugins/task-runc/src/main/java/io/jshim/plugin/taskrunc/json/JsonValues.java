package io.jshim.plugin.taskrunc.json;

import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.jr.ob.JSON;

import java.io.IOException;
import java.util.List;
import java.util.Map;

/**
 * The JSON the task plugin reads and writes (OCI {@code config.json}, runc's {@code state}, {@code ps} and log
 * lines, the bundle's {@code options.json}), through jackson-jr: a parsed document is plain {@link Map}s,
 * {@link List}s, strings, numbers, booleans and {@code null}; the accessors read a member the way Jackson's tree
 * model did ({@code path(name).asText(default)} and friends): absent, null or of another shape gives the default.
 */
public final class JsonValues {
    private JsonValues() {
    }

    /**
     * Parses one JSON document; empty or blank input is {@code null} (Jackson's tree model read it as a missing
     * node: every member absent), not an error.
     *
     * @throws IOException when it is not JSON (the message says where)
     */
    public static Object parse(byte[] json) throws IOException {
        for (byte b : json) {
            if (b != ' ' && b != '\t' && b != '\n' && b != '\r') {
                return JSON.std.anyFrom(json);
            }
        }
        return null;
    }

    /**
     * A streaming parser over {@code json}, for a reader that wants a few members of a large document without
     * building the rest (the same parser and limits as {@link #parse(byte[])}).
     */
    public static JsonParser parser(byte[] json) throws IOException {
        return JSON.std.getStreamingFactory().createParser(json);
    }

    /** {@link #parse(byte[])} of a string. */
    public static Object parse(String json) throws IOException {
        return json.isBlank() ? null : JSON.std.anyFrom(json);
    }

    /** The document of {@code map} (iteration order kept) as UTF-8 JSON. */
    public static byte[] write(Map<String, ?> map) throws IOException {
        return JSON.std.asBytes(map);
    }

    /** {@code value} as an object, empty when it is not one. */
    @SuppressWarnings("unchecked")
    public static Map<String, Object> object(Object value) {
        return value instanceof Map<?, ?> map ? (Map<String, Object>) map : Map.of();
    }

    /** Member {@code name} of {@code value} when it is an object, else {@code null}. */
    public static Object member(Object value, String name) {
        return object(value).get(name);
    }

    /** {@code value} as an array, empty when it is not one. */
    @SuppressWarnings("unchecked")
    public static List<Object> array(Object value) {
        return value instanceof List<?> list ? (List<Object>) list : List.of();
    }

    /**
     * {@code value} as text: a string itself, a number or boolean its JSON text, an object or array {@code ""},
     * absent or {@code null} {@code otherwise}.
     */
    public static String text(Object value, String otherwise) {
        if (value == null) {
            return otherwise;
        }
        if (value instanceof String || value instanceof Number || value instanceof Boolean) {
            return value.toString();
        }
        return "";
    }

    /** {@code value} as an int: a number truncated, a string holding an integer parsed, else {@code otherwise}. */
    public static int integer(Object value, int otherwise) {
        if (value instanceof Number number) {
            return number.intValue();
        }
        if (value instanceof String text) {
            try {
                return Integer.parseInt(text.strip());
            } catch (NumberFormatException e) {
                return otherwise;
            }
        }
        return otherwise;
    }

    /** {@code value} as a boolean: a boolean itself, the strings "true"/"false", a number non-zero, else {@code otherwise}. */
    public static boolean bool(Object value, boolean otherwise) {
        if (value instanceof Boolean b) {
            return b;
        }
        if (value instanceof Number number) {
            return number.intValue() != 0;
        }
        if (value instanceof String text && (text.strip().equals("true") || text.strip().equals("false"))) {
            return text.strip().equals("true");
        }
        return otherwise;
    }
}
