package io.jshim.plugin.taskrunc.json;

import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.LinkedHashMap;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class JsonValuesTest {
    @Test
    void membersReadLikeJacksonsTreeModel() throws IOException {
        Object doc = JsonValues.parse("{\"s\":\"x\",\"n\":77,\"b\":true,\"z\":null,\"o\":{},\"a\":[1,\"2\",\"x\"]}");
        assertThat(JsonValues.text(JsonValues.member(doc, "s"), "d")).isEqualTo("x");
        assertThat(JsonValues.text(JsonValues.member(doc, "n"), "d")).isEqualTo("77");
        assertThat(JsonValues.text(JsonValues.member(doc, "b"), "d")).isEqualTo("true");
        assertThat(JsonValues.text(JsonValues.member(doc, "z"), "d")).isEqualTo("d");
        assertThat(JsonValues.text(JsonValues.member(doc, "missing"), "d")).isEqualTo("d");
        assertThat(JsonValues.text(JsonValues.member(doc, "o"), "d")).isEmpty();
        assertThat(JsonValues.integer(JsonValues.member(doc, "n"), 0)).isEqualTo(77);
        assertThat(JsonValues.array(JsonValues.member(doc, "a")).stream().map(v -> JsonValues.integer(v, -1)))
                .containsExactly(1, 2, -1);
        assertThat(JsonValues.bool(JsonValues.member(doc, "b"), false)).isTrue();
        assertThat(JsonValues.bool(JsonValues.member(doc, "missing"), true)).isTrue();
        assertThat(JsonValues.member(JsonValues.member(doc, "a"), "x")).isNull();
        assertThat(JsonValues.array(JsonValues.member(doc, "o"))).isEmpty();
        assertThat(JsonValues.object(JsonValues.member(doc, "a"))).isEmpty();
    }

    @Test
    void blankInputIsAMissingDocumentNotAnError() throws IOException {
        assertThat(JsonValues.parse("")).isNull();
        assertThat(JsonValues.parse(" \n".getBytes(StandardCharsets.UTF_8))).isNull();
        assertThat(JsonValues.text(JsonValues.member(JsonValues.parse(""), "status"), "")).isEmpty();
        assertThat(JsonValues.array(JsonValues.parse(new byte[0]))).isEmpty();
    }

    @Test
    void writesMembersInOrder() throws IOException {
        Map<String, Object> map = new LinkedHashMap<>();
        map.put("binary_name", "runc");
        map.put("root", "");
        map.put("systemd_cgroup", false);
        assertThat(new String(JsonValues.write(map), StandardCharsets.UTF_8))
                .isEqualTo("{\"binary_name\":\"runc\",\"root\":\"\",\"systemd_cgroup\":false}");
    }

    @Test
    void malformedInputFailsSayingWhere() {
        assertThatThrownBy(() -> JsonValues.parse("{\"a\": tru}"))
                .isInstanceOf(IOException.class)
                .hasMessageContaining("line: 1");
    }
}
