package io.jshim.plugin.taskrunc.process;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.jshim.plugin.taskrunc.error.TaskException;

import java.io.IOException;

/**
 * The OCI process spec of an Exec request as runc gets it. As the Go shim ({@code spec.Terminal = r.Terminal}),
 * the request's {@code terminal} flag wins over the spec's: clients send {@code terminal = true} with a spec that
 * says false, and runc refuses a console socket for a process that will not allocate a tty.
 */
final class ExecSpec {
    private static final ObjectMapper JSON = new ObjectMapper();

    private ExecSpec() {
    }

    /**
     * @return {@code specJson} with {@code terminal} set to {@code terminal}, every other field kept
     * @throws TaskException.InvalidArgument when the spec is not a JSON object
     */
    static byte[] withTerminal(String execId, byte[] specJson, boolean terminal) {
        JsonNode root;
        try {
            root = JSON.readTree(specJson);
        } catch (IOException e) {
            throw new TaskException.InvalidArgument("failed to parse process spec of exec " + execId + ": "
                    + e.getMessage(), e);
        }
        if (!(root instanceof ObjectNode process)) {
            throw new TaskException.InvalidArgument("failed to parse process spec of exec " + execId
                    + ": not a JSON object");
        }
        if (process.path("terminal").isBoolean() && process.get("terminal").booleanValue() == terminal) {
            return specJson.clone();
        }
        process.put("terminal", terminal);
        try {
            return JSON.writeValueAsBytes(process);
        } catch (IOException e) {
            throw new TaskException.InvalidArgument("failed to write process spec of exec " + execId + ": "
                    + e.getMessage(), e);
        }
    }
}
