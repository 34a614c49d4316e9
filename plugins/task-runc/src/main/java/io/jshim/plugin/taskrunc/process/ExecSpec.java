package io.jshim.plugin.taskrunc.process;

import io.jshim.plugin.taskrunc.error.TaskException;
import io.jshim.plugin.taskrunc.json.JsonValues;

import java.io.IOException;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * The OCI process spec of an Exec request as runc gets it. As the Go shim ({@code spec.Terminal = r.Terminal}),
 * the request's {@code terminal} flag wins over the spec's: clients send {@code terminal = true} with a spec that
 * says false, and runc refuses a console socket for a process that will not allocate a tty.
 */
final class ExecSpec {
    private ExecSpec() {
    }

    /**
     * @return {@code specJson} with {@code terminal} set to {@code terminal}, every other field kept
     * @throws TaskException.InvalidArgument when the spec is not a JSON object
     */
    static byte[] withTerminal(String execId, byte[] specJson, boolean terminal) {
        Object root;
        try {
            root = JsonValues.parse(specJson);
        } catch (IOException e) {
            throw new TaskException.InvalidArgument("failed to parse process spec of exec " + execId + ": "
                    + e.getMessage(), e);
        }
        if (!(root instanceof Map<?, ?>)) {
            throw new TaskException.InvalidArgument("failed to parse process spec of exec " + execId
                    + ": not a JSON object");
        }
        Map<String, Object> process = new LinkedHashMap<>(JsonValues.object(root));
        if (process.get("terminal") instanceof Boolean current && current == terminal) {
            return specJson.clone();
        }
        process.put("terminal", terminal);
        try {
            return JsonValues.write(process);
        } catch (IOException e) {
            throw new TaskException.InvalidArgument("failed to write process spec of exec " + execId + ": "
                    + e.getMessage(), e);
        }
    }
}
