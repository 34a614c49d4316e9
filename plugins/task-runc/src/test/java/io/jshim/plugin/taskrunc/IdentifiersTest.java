package io.jshim.plugin.taskrunc;

import io.jshim.plugin.taskrunc.error.TaskException;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class IdentifiersTest {
    @ParameterizedTest
    @ValueSource(strings = {"c1", "my-container_1.2", "A", "abc.def-ghi_jkl"})
    void acceptsContainerdIdentifiers(String id) {
        assertThat(Identifiers.validate("container id", id)).isEqualTo(id);
    }

    @ParameterizedTest
    @ValueSource(strings = {"", "../etc", "a/b", "a..b", "-a", "a-", "with space", "tab\there", "nl\n", "x\u0001"})
    void rejectsPathsControlCharsAndBadSeparators(String id) {
        assertThatThrownBy(() -> Identifiers.validate("container id", id))
                .isInstanceOf(TaskException.InvalidArgument.class)
                .hasMessageStartingWith("container id");
    }

    @ParameterizedTest
    @ValueSource(ints = {77, 200})
    void rejectsOverLongIds(int length) {
        assertThatThrownBy(() -> Identifiers.validate("exec id", "a".repeat(length)))
                .isInstanceOf(TaskException.InvalidArgument.class)
                .hasMessageContaining("greater than maximum length (76 characters)");
    }
}
