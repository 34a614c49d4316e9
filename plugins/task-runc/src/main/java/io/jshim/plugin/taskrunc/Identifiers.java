package io.jshim.plugin.taskrunc;

import io.jshim.plugin.taskrunc.error.TaskException;

import java.util.regex.Pattern;

/**
 * containerd's identifier rules ({@code identifiers.Validate}): alphanumerics separated by single
 * {@code . _ -}, at most 76 characters. Applied to container and exec ids before any file is touched, so an id
 * can never name a path outside the bundle.
 */
public final class Identifiers {
    /** containerd's maximum identifier length. */
    public static final int MAX_LENGTH = 76;
    private static final Pattern VALID = Pattern.compile("[A-Za-z0-9]+(?:[._-][A-Za-z0-9]+)*");

    private Identifiers() {
    }

    /**
     * Checks {@code id} and returns it.
     *
     * @param kind what the id names, for the message ("container id", "exec id")
     * @throws TaskException.InvalidArgument when the id is empty, too long or has characters outside the rules
     */
    public static String validate(String kind, String id) {
        if (id == null || id.isEmpty()) {
            throw new TaskException.InvalidArgument(kind + " must not be empty");
        }
        if (id.length() > MAX_LENGTH) {
            throw new TaskException.InvalidArgument(kind + " " + quote(id) + " greater than maximum length ("
                    + MAX_LENGTH + " characters)");
        }
        if (!VALID.matcher(id).matches()) {
            throw new TaskException.InvalidArgument(kind + " " + quote(id) + " must match " + VALID.pattern());
        }
        return id;
    }

    private static String quote(String id) {
        StringBuilder b = new StringBuilder("\"");
        id.codePoints().limit(MAX_LENGTH + 4).forEach(c -> {
            if (c < 0x20 || c == 0x7f) {
                b.append(String.format("\\x%02x", c));
            } else {
                b.appendCodePoint(c);
            }
        });
        return b.append('"').toString();
    }
}
