package io.jshim.framework;

import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * The shim's command line, parsed like Go's {@code flag} package (containerd's shims use it): flags come
 * before the action; {@code -flag value}, {@code -flag=value} and {@code --flag} are accepted; boolean flags
 * take no value ({@code -debug}, or {@code -debug=true}). Parsing stops at the first non-flag argument
 * (the action) or after {@code --}.
 *
 * @param namespace     {@code -namespace}
 * @param id            {@code -id}
 * @param address       {@code -address}
 * @param publishBinary {@code -publish-binary}
 * @param bundle        {@code -bundle} ("" = working directory)
 * @param socket        {@code -socket}
 * @param debugSocket   {@code -debug-socket}
 * @param debug         {@code -debug}
 * @param version       {@code -v}
 * @param info          {@code -info}
 * @param printConfig   {@code -print-config}: print the effective configuration and plugin graph, exit
 * @param action        {@code start}, {@code delete}, or "" (serve)
 */
public record ShimFlags(String namespace, String id, String address, String publishBinary, String bundle,
        String socket, String debugSocket, boolean debug, boolean version, boolean info, boolean printConfig,
        String action) {

    /** The flags and their help text, in usage order. */
    static final Map<String, String> STRING_FLAGS = orderedMap(
            "namespace", "namespace that owns the shim",
            "id", "id of the task",
            "address", "grpc address back to main containerd",
            "publish-binary", "path to publish binary (used for publishing events) when TTRPC_ADDRESS is not set",
            "bundle", "path to the bundle if not workdir",
            "socket", "socket path to serve",
            "debug-socket", "debug socket path to serve");
    static final Map<String, String> BOOL_FLAGS = orderedMap(
            "debug", "enable debug output in logs",
            "v", "show the shim version and exit",
            "info", "get the option protobuf from stdin, print the shim info protobuf to stdout, and exit",
            "print-config", "print the effective configuration and the resolved plugin graph, and exit");
    private static final Set<String> ACTIONS = Set.of("start", "delete");

    /**
     * Parses {@code args}.
     *
     * @throws FlagException naming the offending flag
     */
    public static ShimFlags parse(List<String> args) {
        Map<String, String> strings = new java.util.HashMap<>();
        Map<String, Boolean> bools = new java.util.HashMap<>();
        int i = 0;
        while (i < args.size()) {
            String arg = args.get(i);
            if (arg.equals("--")) {
                i++;
                break;
            }
            if (arg.length() < 2 || arg.charAt(0) != '-') {
                break;
            }
            String name = arg.startsWith("--") ? arg.substring(2) : arg.substring(1);
            String value = null;
            int eq = name.indexOf('=');
            if (eq >= 0) {
                value = name.substring(eq + 1);
                name = name.substring(0, eq);
            }
            if (name.isEmpty() || name.startsWith("-")) {
                throw new FlagException("bad flag syntax: " + arg);
            }
            if (BOOL_FLAGS.containsKey(name)) {
                if (value == null) {
                    bools.put(name, true);
                } else if (value.equals("true") || value.equals("1")) {
                    bools.put(name, true);
                } else if (value.equals("false") || value.equals("0")) {
                    bools.put(name, false);
                } else {
                    throw new FlagException("invalid boolean value \"" + value + "\" for flag -" + name);
                }
            } else if (STRING_FLAGS.containsKey(name)) {
                if (value == null) {
                    if (i + 1 >= args.size()) {
                        throw new FlagException("flag needs an argument: -" + name);
                    }
                    value = args.get(++i);
                }
                strings.put(name, value);
            } else {
                throw new FlagException("flag provided but not defined: -" + name);
            }
            i++;
        }
        String action = i < args.size() ? args.get(i) : "";
        if (!action.isEmpty() && !ACTIONS.contains(action)) {
            throw new FlagException("unknown action \"" + action + "\": expected start, delete or none (serve)");
        }
        ShimFlags flags = new ShimFlags(strings.getOrDefault("namespace", ""), strings.getOrDefault("id", ""),
                strings.getOrDefault("address", ""), strings.getOrDefault("publish-binary", ""),
                strings.getOrDefault("bundle", ""), strings.getOrDefault("socket", ""),
                strings.getOrDefault("debug-socket", ""), bools.getOrDefault("debug", false),
                bools.getOrDefault("v", false), bools.getOrDefault("info", false),
                bools.getOrDefault("print-config", false), action);
        flags.checkRequired();
        return flags;
    }

    private void checkRequired() {
        if (version || info || printConfig) {
            return;
        }
        if (namespace.isEmpty()) {
            throw new FlagException("missing flag -namespace: shim namespace cannot be empty");
        }
        if (id.isEmpty()) {
            throw new FlagException("missing flag -id: the task id is required");
        }
        if (action.equals("start") && address.isEmpty()) {
            throw new FlagException("missing flag -address: start needs containerd's address to derive the socket");
        }
    }

    /** The usage text printed on stderr after a flag error. */
    public static String usage(String program) {
        StringBuilder out = new StringBuilder("Usage of ").append(program).append(":\n");
        out.append("  ").append(program).append(" [flags] [start|delete]\n");
        STRING_FLAGS.forEach((name, help) -> out.append("  -").append(name).append(" string\n    \t").append(help).append('\n'));
        BOOL_FLAGS.forEach((name, help) -> out.append("  -").append(name).append("\n    \t").append(help).append('\n'));
        return out.toString();
    }

    private static Map<String, String> orderedMap(String... keyValues) {
        Map<String, String> map = new java.util.LinkedHashMap<>();
        for (int k = 0; k < keyValues.length; k += 2) {
            map.put(keyValues[k], keyValues[k + 1]);
        }
        return java.util.Collections.unmodifiableMap(map);
    }

    /** A command-line error: one line naming the flag. */
    public static final class FlagException extends ShimException {
        /** @param message names the flag */
        public FlagException(String message) {
            super(message);
        }
    }
}
