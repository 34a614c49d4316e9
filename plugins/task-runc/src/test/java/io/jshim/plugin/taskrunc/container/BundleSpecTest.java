package io.jshim.plugin.taskrunc.container;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.jr.ob.JSON;
import io.jshim.plugin.taskrunc.error.TaskException;
import io.jshim.plugin.taskrunc.json.JsonValues;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The streaming read of {@code config.json} gives what reading the whole document as maps and lists gave (the
 * reader it replaced, kept here as the oracle), on specs as containerd's CRI writes them and on every odd shape.
 */
class BundleSpecTest {
    @TempDir
    Path dir;

    private static final List<String> DOCUMENTS = List.of(
            "",
            "  \n",
            "{}",
            "[]",
            "42",
            "null",
            "{\"annotations\": null, \"linux\": null}",
            "{\"annotations\": [1, 2], \"linux\": []}",
            "{\"ociVersion\": \"1.0.2\", \"process\": {\"args\": [\"sh\"], \"env\": [\"A=B\"]},"
                    + " \"annotations\": {\"io.kubernetes.cri.sandbox-id\": \"abc\","
                    + " \"io.kubernetes.cri.container-type\": \"container\"},"
                    + " \"linux\": {\"seccomp\": {\"syscalls\": [{\"names\": [\"read\", \"write\"], \"action\": 1}]},"
                    + " \"namespaces\": [{\"type\": \"pid\"}, {\"type\": \"network\", \"path\": \"/proc/1/ns/net\"}]}}",
            "{\"linux\": {\"namespaces\": [{\"type\": \"pid\", \"path\": \"/proc/7/ns/pid\"}, {\"type\": \"ipc\"}]}}",
            "{\"linux\": {\"namespaces\": [{\"type\": \"pid\", \"path\": \"\"}]}}",
            "{\"linux\": {\"namespaces\": [{\"type\": \"pid\", \"path\": null}, 3, null, [\"pid\"]]}}",
            "{\"linux\": {\"namespaces\": [{\"type\": \"pid\", \"path\": {\"x\": 1}}]}}",
            "{\"linux\": {\"namespaces\": [{\"type\": \"pid\", \"type\": \"ipc\"}]}}",
            "{\"linux\": {\"namespaces\": [{\"type\": \"pid\"}], \"namespaces\": []}}",
            "{\"linux\": {\"namespaces\": []}, \"linux\": {\"namespaces\": [{\"type\": \"pid\"}]}}",
            "{\"linux\": {\"namespaces\": {\"type\": \"pid\"}}}",
            "{\"annotations\": {\"a\": 1, \"b\": 1.50, \"c\": 1e2, \"d\": true, \"e\": false, \"f\": null,"
                    + " \"g\": {\"h\": 1}, \"i\": [1], \"j\": 12345678901234567890, \"a\": \"again\"}}",
            "{\"annotations\": {\"x\": \"1\"}, \"annotations\": {\"y\": \"2\"}}",
            "{\"annotations\": {\"x\": \"1\"}, \"annotations\": 5}",
            "{\"annotations\": {\"\\u00e9t\\u00e9\": \"caf\\u00e9\\n\"}} trailing",
            "{\"annotations\": {}} {\"annotations\": {\"x\": \"1\"}}");

    @Test
    void readsWhatTheWholeDocumentsMapsGave() throws IOException {
        for (String doc : DOCUMENTS) {
            byte[] json = doc.getBytes(StandardCharsets.UTF_8);
            assertThat(BundleSpec.parse(json)).as(doc).isEqualTo(oracle(json));
        }
    }

    @Test
    void aSpecThatIsNotJsonAnywhereIsRefusedNamingTheFile() throws IOException {
        for (String doc : List.of("{\"ociVersion\": ", "{\"process\": {\"args\": [\"sh\",]}}",
                "{\"linux\": {\"seccomp\": {\"syscalls\": [{\"names\": [\"read\" \"write\"]}]}}}", "[1, 2",
                "{\"annotations\": {\"a\": tru}}")) {
            Path bundle = Files.createDirectories(dir.resolve("b" + doc.hashCode()));
            Files.writeString(bundle.resolve("config.json"), doc);
            assertThatThrownBy(() -> BundleSpec.read(bundle)).as(doc).isInstanceOf(TaskException.InvalidArgument.class)
                    .hasMessageContaining("failed to read OCI spec " + bundle.resolve("config.json"));
        }
        assertThatThrownBy(() -> BundleSpec.read(dir.resolve("none"))).isInstanceOf(TaskException.InvalidArgument.class)
                .hasMessageContaining("failed to read OCI spec " + dir.resolve("none").resolve("config.json"));
    }

    @Test
    void aDuplicateMemberIsReadAsGosEncodingJsonReadsIt() throws IOException {
        // runc and containerd read the spec with Go's encoding/json: the last duplicate wins, none is an error
        assertThat(BundleSpec.parse(("{\"linux\": {\"seccomp\": {\"a\": 1, \"a\": 2}, \"namespaces\":"
                + " [{\"type\": \"ipc\", \"type\": \"pid\"}]}, \"annotations\": {\"k\": \"1\", \"k\": \"2\"}}")
                .getBytes(StandardCharsets.UTF_8))).isEqualTo(new BundleSpec(Map.of("k", "2"), true));
    }

    /**
     * The reader before the streaming one: the whole document as maps and lists, then the two members; duplicate
     * members allowed (last wins), where jackson-jr's default refused them.
     */
    private static BundleSpec oracle(byte[] json) throws IOException {
        Object root = new String(json, StandardCharsets.UTF_8).isBlank() ? null
                : JSON.std.without(JSON.Feature.FAIL_ON_DUPLICATE_MAP_KEYS).anyFrom(json);
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
