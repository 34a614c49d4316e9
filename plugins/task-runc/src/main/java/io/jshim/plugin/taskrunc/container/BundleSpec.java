package io.jshim.plugin.taskrunc.container;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.jshim.plugin.taskrunc.error.TaskException;

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
    private static final ObjectMapper JSON = new ObjectMapper();

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
        JsonNode root;
        try {
            root = JSON.readTree(Files.readAllBytes(config));
        } catch (IOException e) {
            throw new TaskException.InvalidArgument("failed to read OCI spec " + config + ": " + e.getMessage(), e);
        }
        Map<String, String> annotations = new LinkedHashMap<>();
        root.path("annotations").properties().forEach(e -> annotations.put(e.getKey(), e.getValue().asText()));
        boolean ownPid = false;
        for (JsonNode ns : root.path("linux").path("namespaces")) {
            if ("pid".equals(ns.path("type").asText()) && ns.path("path").asText("").isEmpty()) {
                ownPid = true;
            }
        }
        return new BundleSpec(annotations, ownPid);
    }
}
