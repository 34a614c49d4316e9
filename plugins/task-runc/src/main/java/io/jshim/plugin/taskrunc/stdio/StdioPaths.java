package io.jshim.plugin.taskrunc.stdio;

/**
 * The stdio a client asked for: FIFO paths, {@code binary://} or {@code file://} URIs, or empty strings.
 *
 * @param terminal whether the process gets a pty (stdout carries both streams; stderr is unused)
 */
public record StdioPaths(String stdin, String stdout, String stderr, boolean terminal) {
    public StdioPaths {
        stdin = stdin == null ? "" : stdin;
        stdout = stdout == null ? "" : stdout;
        stderr = stderr == null ? "" : stderr;
    }

    /** Whether nothing at all was requested. */
    public boolean isNull() {
        return stdin.isEmpty() && stdout.isEmpty() && stderr.isEmpty();
    }
}
