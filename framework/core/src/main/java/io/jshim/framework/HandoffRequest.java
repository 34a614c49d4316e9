package io.jshim.framework;

import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFileAttributes;
import java.nio.file.attribute.PosixFilePermission;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.regex.Pattern;

/**
 * A {@code start} handed to a warm spare (see {@link SpareAction}), read and validated from the directory the launcher
 * claimed by renaming the spare's {@code ready.<fingerprint>.<pid>} directory to {@code claim.<launcher pid>}:
 * <ul>
 *   <li>{@code request}: UTF-8 lines {@code key=value}: {@code home} (the launcher's installation),
 *       {@code fingerprint}, {@code cwd} (the bundle: containerd starts the shim there), {@code oom-pid} (whose OOM
 *       score + 1 the daemon takes: the launcher, containerd's child), then one {@code arg} line per shim argument
 *       (without {@code start});</li>
 *   <li>{@code env}: the start's environment, {@code NAME=VALUE} entries separated by NUL ({@code env -0});</li>
 *   <li>{@code stdin}: what containerd wrote on start's stdin (runtime options);</li>
 *   <li>{@code pid}: this spare's pid, written by the spare (it proves the directory is this spare's);</li>
 *   <li>{@code out}: the FIFO the launcher reads start's output from (the spare made it when it published itself).</li>
 * </ul>
 *
 * @param claim       the claimed directory
 * @param args        the shim arguments, without {@code start}
 * @param env         the start's environment
 * @param cwd         the start's working directory
 * @param oomPid      the pid whose {@code oom_score_adj} + 1 the daemon takes
 * @param stdin       the start's standard input
 */
record HandoffRequest(Path claim, List<String> args, Map<String, String> env, Path cwd, int oomPid, byte[] stdin) {
    /** The one line the launcher writes on the spare's request FIFO: this prefix and the claimed directory. */
    static final String LINE_PREFIX = "jshim-handoff ";
    /** Bounds on what a spare reads: a larger request is refused. */
    static final int MAX_LINE = 4096;
    static final int MAX_REQUEST = 64 * 1024;
    static final int MAX_ENV = 256 * 1024;
    static final int MAX_STDIN = 1024 * 1024;
    static final int MAX_ARGS = 64;
    private static final Pattern CLAIM_NAME = Pattern.compile("claim\\.[0-9]{1,10}");

    /** A request the spare refuses, with what is wrong. */
    static final class InvalidRequestException extends ShimException {
        InvalidRequestException(String message) {
            super(message);
        }
    }

    HandoffRequest {
        args = List.copyOf(args);
        env = Map.copyOf(env);
    }

    /**
     * Parses the request line and reads the claimed directory it names.
     *
     * @param line        the line from the request FIFO, without its newline
     * @param root        the spares' directory of this installation: the claim must be directly inside
     * @param self        this spare's pid
     * @param home        this spare's installation
     * @param fingerprint this spare's installation fingerprint
     * @throws InvalidRequestException when anything is missing, oversized, malformed or not this spare's
     */
    static HandoffRequest read(String line, Path root, int self, String home, String fingerprint) {
        if (!line.startsWith(LINE_PREFIX)) {
            throw invalid("hand-off request line does not start with \"" + LINE_PREFIX.strip() + "\": "
                    + printable(line));
        }
        Path claim = Path.of(line.substring(LINE_PREFIX.length()));
        if (!claim.isAbsolute() || !root.equals(claim.getParent())
                || !CLAIM_NAME.matcher(claim.getFileName().toString()).matches()) {
            throw invalid("hand-off request names " + printable(claim.toString()) + ", not a claim." + "<pid> directory of "
                    + root);
        }
        checkPrivateDir(claim);
        String pid = text(claim.resolve("pid"), 16).strip();
        if (!pid.equals(Integer.toString(self))) {
            throw invalid("hand-off claim " + claim + " belongs to spare " + printable(pid) + ", not to " + self);
        }
        Map<String, String> fields = new LinkedHashMap<>();
        List<String> args = new ArrayList<>();
        for (String entry : text(claim.resolve("request"), MAX_REQUEST).split("\n")) {
            if (entry.isEmpty()) {
                continue;
            }
            int eq = entry.indexOf('=');
            if (eq <= 0) {
                throw invalid("hand-off request " + claim + "/request has a line without key=value: " + printable(entry));
            }
            String key = entry.substring(0, eq);
            String value = entry.substring(eq + 1);
            switch (key) {
                case "arg" -> args.add(value);
                case "home", "fingerprint", "cwd", "oom-pid" -> {
                    if (fields.putIfAbsent(key, value) != null) {
                        throw invalid("hand-off request " + claim + "/request repeats " + key);
                    }
                }
                default -> throw invalid("hand-off request " + claim + "/request has an unknown key " + printable(key));
            }
        }
        for (String key : List.of("home", "fingerprint", "cwd", "oom-pid")) {
            if (!fields.containsKey(key)) {
                throw invalid("hand-off request " + claim + "/request lacks " + key);
            }
        }
        if (!fields.get("home").equals(home) || !fields.get("fingerprint").equals(fingerprint)) {
            throw invalid("hand-off request from installation " + printable(fields.get("home")) + " (fingerprint "
                    + printable(fields.get("fingerprint")) + ") reached the spare of " + home + " (fingerprint "
                    + fingerprint + ")");
        }
        if (args.isEmpty() || args.size() > MAX_ARGS) {
            throw invalid("hand-off request " + claim + "/request has " + args.size() + " arguments (1 to " + MAX_ARGS
                    + " expected)");
        }
        if (args.getLast().equals("start") || args.getLast().equals("delete")) {
            throw invalid("hand-off request " + claim + "/request ends with the action " + args.getLast()
                    + ": the launcher passes the start's arguments without it");
        }
        Path cwd = Path.of(fields.get("cwd"));
        if (!cwd.isAbsolute() || !Files.isDirectory(cwd, LinkOption.NOFOLLOW_LINKS)) {
            throw invalid("hand-off request " + claim + "/request: cwd " + printable(cwd.toString())
                    + " is not an absolute directory");
        }
        int oomPid;
        try {
            oomPid = Integer.parseInt(fields.get("oom-pid"));
        } catch (NumberFormatException e) {
            throw invalid("hand-off request " + claim + "/request: oom-pid " + printable(fields.get("oom-pid"))
                    + " is not a pid");
        }
        if (oomPid <= 1) {
            throw invalid("hand-off request " + claim + "/request: oom-pid " + oomPid + " is not a launcher's pid");
        }
        Map<String, String> env = env(bytes(claim.resolve("env"), MAX_ENV), claim);
        byte[] stdin = bytes(claim.resolve("stdin"), MAX_STDIN);
        return new HandoffRequest(claim, args, env, cwd, oomPid, stdin);
    }

    private static Map<String, String> env(byte[] raw, Path claim) {
        Map<String, String> env = new LinkedHashMap<>();
        for (String entry : decode(raw, claim.resolve("env")).split("\0")) {
            if (entry.isEmpty()) {
                continue;
            }
            int eq = entry.indexOf('=');
            if (eq <= 0) {
                throw invalid("hand-off environment " + claim + "/env has an entry without NAME=: "
                        + printable(entry.length() > 64 ? entry.substring(0, 64) + "..." : entry));
            }
            env.put(entry.substring(0, eq), entry.substring(eq + 1));
        }
        return env;
    }

    /** The claimed directory must be root's (this process's uid), mode 0700, not a symbolic link. */
    static void checkPrivateDir(Path dir) {
        try {
            PosixFileAttributes attributes = Files.readAttributes(dir, PosixFileAttributes.class,
                    LinkOption.NOFOLLOW_LINKS);
            if (!attributes.isDirectory()) {
                throw invalid("hand-off claim " + dir + " is not a directory");
            }
            if (!attributes.permissions().equals(Set.of(PosixFilePermission.OWNER_READ,
                    PosixFilePermission.OWNER_WRITE, PosixFilePermission.OWNER_EXECUTE))) {
                throw invalid("hand-off claim " + dir + " has mode "
                        + java.nio.file.attribute.PosixFilePermissions.toString(attributes.permissions())
                        + ", not rwx------");
            }
            String owner = attributes.owner().getName();
            String self = System.getProperty("user.name");
            if (!owner.equals(self)) {
                throw invalid("hand-off claim " + dir + " is owned by " + owner + ", not by " + self);
            }
        } catch (IOException e) {
            throw invalid("hand-off claim " + dir + " cannot be read: " + e.getMessage());
        }
    }

    private static String text(Path file, int max) {
        return decode(bytes(file, max), file);
    }

    private static String decode(byte[] raw, Path file) {
        try {
            return StandardCharsets.UTF_8.newDecoder().onMalformedInput(CodingErrorAction.REPORT)
                    .onUnmappableCharacter(CodingErrorAction.REPORT).decode(java.nio.ByteBuffer.wrap(raw)).toString();
        } catch (CharacterCodingException e) {
            throw invalid("hand-off file " + file + " is not UTF-8");
        }
    }

    /** Reads {@code file} (a regular file, not a link), refusing more than {@code max} bytes. */
    private static byte[] bytes(Path file, int max) {
        if (!Files.isRegularFile(file, LinkOption.NOFOLLOW_LINKS)) {
            throw invalid("hand-off file " + file + " is missing or not a regular file");
        }
        try (InputStream in = Files.newInputStream(file, LinkOption.NOFOLLOW_LINKS)) {
            byte[] data = in.readNBytes(max + 1);
            if (data.length > max) {
                throw invalid("hand-off file " + file + " is larger than " + max + " bytes");
            }
            return data;
        } catch (IOException e) {
            throw invalid("hand-off file " + file + " cannot be read: " + e.getMessage());
        }
    }

    /** {@code value} with control characters escaped, cut at 200 characters, for error messages. */
    static String printable(String value) {
        StringBuilder out = new StringBuilder("\"");
        for (char c : value.toCharArray()) {
            if (out.length() > 200) {
                out.append("...");
                break;
            }
            out.append(c < 0x20 || c == 0x7f ? String.format("\\x%02x", (int) c) : String.valueOf(c));
        }
        return out.append('"').toString();
    }

    private static InvalidRequestException invalid(String message) {
        return new InvalidRequestException("failed to accept hand-off: " + message);
    }
}
