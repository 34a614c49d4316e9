package io.jshim.plugin.taskrunc.container;

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
        Object root;
        try {
            root = JsonValues.parse(Files.readAllBytes(config));
        } catch (IOException e) {
            throw new TaskException.InvalidArgument("failed to read OCI spec " + config + ": " + e.getMessage(), e);
        }
        Map<String, String> annotations = new LinkedHashMap<>();
        JsonValues.object(JsonValues.member(root, "annotations"))
                .forEach((key, value) -> annotations.put(key, JsonValues.text(value, "null")));
        boolean ownPid = false;
        for (Object ns : JsonValues.array(JsonValues.member(JsonValues.member(root, "linux"), "namespaces"))) {
            if ("pid".equals(JsonValues.text(JsonValues.member(ns, "type"), ""))
                    && JsonValues.text(JsonValues.member(ns, "path"), "").isEmpty()) {
                ownPid = true;
            }
        }
        return new BundleSpec(annotations, ownPid);
    }
}
