package io.jshim.plugin.taskrunc.container;

import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonToken;
import io.jshim.plugin.taskrunc.error.TaskException;
import io.jshim.plugin.taskrunc.json.JsonValues;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * The parts of a bundle's OCI {@code config.json} the shim reads: annotations (shim grouping) and whether
 * the container has its own pid namespace (without one, init's exit must kill every other process).
 *
 * <p>Read with a streaming parser that builds only those two members: a CRI container's spec is mostly its
 * seccomp profile, and building it as maps and lists on every Create cost more than reading it. Everything else is
 * skipped, though still parsed, so a spec that is not JSON is refused as before. Members are read as {@link JsonValues}
 * reads a parsed document (a member of another shape counts as absent, an annotation's number or boolean is its
 * text, {@code null} the text {@code "null"}), except that a duplicate member is no error: the last one wins, as in
 * Go's {@code encoding/json}, which runc and containerd read the spec with.
 *
 * @param annotations   the spec's annotations
 * @param ownPidNamespace whether {@code linux.namespaces} has a {@code pid} entry without a path
 */
public record BundleSpec(Map<String, String> annotations, boolean ownPidNamespace) {
    public BundleSpec {
        annotations = Map.copyOf(annotations);
    }

    /**
     * Reads {@code BUNDLE/config.json}.
     *
     * @throws TaskException.InvalidArgument when it is missing or not JSON
     */
    public static BundleSpec read(Path bundle) {
        Path config = bundle.resolve("config.json");
        try {
            return parse(Files.readAllBytes(config));
        } catch (IOException e) {
            throw new TaskException.InvalidArgument("failed to read OCI spec " + config + ": " + e.getMessage(), e);
        }
    }

    /** The spec in {@code json}; blank input is an empty spec. */
    static BundleSpec parse(byte[] json) throws IOException {
        Map<String, String> annotations = new LinkedHashMap<>();
        boolean ownPid = false;
        try (JsonParser p = JsonValues.parser(json)) {
            JsonToken root = p.nextToken();
            if (root != JsonToken.START_OBJECT) {
                p.skipChildren();
                return new BundleSpec(annotations, false);
            }
            while (p.nextToken() == JsonToken.FIELD_NAME) {
                String name = p.currentName();
                JsonToken value = p.nextToken();
                switch (name) {
                    case "annotations" -> {
                        annotations.clear();
                        readAnnotations(p, value, annotations);
                    }
                    case "linux" -> ownPid = readLinux(p, value);
                    default -> p.skipChildren();
                }
            }
        }
        return new BundleSpec(annotations, ownPid);
    }

    private static void readAnnotations(JsonParser p, JsonToken value, Map<String, String> into) throws IOException {
        if (value != JsonToken.START_OBJECT) {
            p.skipChildren();
            return;
        }
        while (p.nextToken() == JsonToken.FIELD_NAME) {
            String key = p.currentName();
            into.put(key, text(p, p.nextToken(), "null"));
        }
    }

    /** Whether {@code linux} (the current value) has a {@code namespaces} entry of type pid without a path. */
    private static boolean readLinux(JsonParser p, JsonToken value) throws IOException {
        boolean ownPid = false;
        if (value != JsonToken.START_OBJECT) {
            p.skipChildren();
            return false;
        }
        while (p.nextToken() == JsonToken.FIELD_NAME) {
            String name = p.currentName();
            JsonToken member = p.nextToken();
            if (name.equals("namespaces")) {
                ownPid = readNamespaces(p, member);
            } else {
                p.skipChildren();
            }
        }
        return ownPid;
    }

    private static boolean readNamespaces(JsonParser p, JsonToken value) throws IOException {
        boolean ownPid = false;
        if (value != JsonToken.START_ARRAY) {
            p.skipChildren();
            return false;
        }
        JsonToken element;
        while ((element = p.nextToken()) != JsonToken.END_ARRAY && element != null) {
            if (element != JsonToken.START_OBJECT) {
                p.skipChildren();
                continue;
            }
            String type = "";
            String path = "";
            while (p.nextToken() == JsonToken.FIELD_NAME) {
                String name = p.currentName();
                JsonToken member = p.nextToken();
                switch (name) {
                    case "type" -> type = text(p, member, "");
                    case "path" -> path = text(p, member, "");
                    default -> p.skipChildren();
                }
            }
            ownPid |= type.equals("pid") && path.isEmpty();
        }
        return ownPid;
    }

    /** The current value as {@link JsonValues#text} gives it; an object or array is skipped and is {@code ""}. */
    private static String text(JsonParser p, JsonToken value, String whenNull) throws IOException {
        return switch (value) {
            case VALUE_STRING -> p.getText();
            case VALUE_NUMBER_INT, VALUE_NUMBER_FLOAT -> p.getNumberValue().toString();
            case VALUE_TRUE -> "true";
            case VALUE_FALSE -> "false";
            case VALUE_NULL -> whenNull;
            default -> {
                p.skipChildren();
                yield "";
            }
        };
    }
}
