package io.jshim.plugin.pprofjfr;

import java.util.Map;

/** The query parameters of one request (the first value of each name). */
record Query(Map<String, String> values) {
    Query {
        values = Map.copyOf(values);
    }

    static Query empty() {
        return new Query(Map.of());
    }

    String get(String name, String defaultValue) {
        return values.getOrDefault(name, defaultValue);
    }
}
