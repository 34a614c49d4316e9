package io.jshim.plugin.pprofjfr;

/** Boolean query parameters: {@code true}/{@code 1} or {@code false}/{@code 0}. */
final class Flags {
    private Flags() {}

    static boolean parse(Query query, String name, boolean defaultValue) {
        String value = query.get(name, null);
        if (value == null) {
            return defaultValue;
        }
        return switch (value) {
            case "true", "1" -> true;
            case "false", "0" -> false;
            default -> throw EndpointException.badRequest(
                    "invalid " + name + " \"" + value + "\": allowed are true, false, 1, 0");
        };
    }
}
