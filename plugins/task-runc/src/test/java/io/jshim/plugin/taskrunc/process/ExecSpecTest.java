package io.jshim.plugin.taskrunc.process;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.jshim.plugin.taskrunc.error.TaskException;
import org.junit.jupiter.api.Test;

import java.nio.charset.StandardCharsets;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class ExecSpecTest {
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final String SPEC = "{\"args\":[\"/bin/sh\",\"-c\",\"tty\"],\"cwd\":\"/\",\"env\":[\"A=1\"],"
            + "\"user\":{\"uid\":1000,\"gid\":1000,\"additionalGids\":[5]},\"terminal\":false,"
            + "\"consoleSize\":{\"height\":24,\"width\":80},\"capabilities\":{\"bounding\":[\"CAP_KILL\"]}}";

    @Test
    void theRequestsTerminalWinsAndEveryOtherFieldIsKept() throws Exception {
        JsonNode withTerminal = JSON.readTree(ExecSpec.withTerminal("e1", bytes(SPEC), true));
        JsonNode original = JSON.readTree(SPEC);

        assertThat(withTerminal.get("terminal").booleanValue()).isTrue();
        ((com.fasterxml.jackson.databind.node.ObjectNode) original).put("terminal", true);
        assertThat(withTerminal).isEqualTo(original);
    }

    @Test
    void aRequestWithoutTerminalClearsTheSpecsAndAMissingFieldIsAdded() throws Exception {
        String spec = SPEC.replace("\"terminal\":false", "\"terminal\":true");
        assertThat(JSON.readTree(ExecSpec.withTerminal("e1", bytes(spec), false)).get("terminal").booleanValue()).isFalse();
        assertThat(JSON.readTree(ExecSpec.withTerminal("e1", bytes("{\"args\":[\"/bin/true\"]}"), true))
                .get("terminal").booleanValue()).isTrue();
    }

    @Test
    void aSpecThatIsNoJsonObjectIsRefusedNamingTheExec() {
        assertThatThrownBy(() -> ExecSpec.withTerminal("e1", bytes("not json"), true))
                .isInstanceOf(TaskException.InvalidArgument.class)
                .hasMessageStartingWith("failed to parse process spec of exec e1: ");
        assertThatThrownBy(() -> ExecSpec.withTerminal("e2", bytes("[1]"), false))
                .isInstanceOf(TaskException.InvalidArgument.class)
                .hasMessage("failed to parse process spec of exec e2: not a JSON object");
    }

    private static byte[] bytes(String s) {
        return s.getBytes(StandardCharsets.UTF_8);
    }
}
