package io.jshim.plugin.taskrunc.runc;

import java.util.List;

/** A runc command that could not run or exited non-zero; carries its output for the error message. */
public final class RuncException extends Exception {
    private final int exitStatus;
    private final String output;

    RuncException(List<String> argv, int exitStatus, String output) {
        super(describe(argv, exitStatus, output));
        this.exitStatus = exitStatus;
        this.output = output;
    }

    RuncException(List<String> argv, Throwable cause) {
        super("failed to run " + String.join(" ", argv) + ": " + cause.getMessage(), cause);
        this.exitStatus = -1;
        this.output = "";
    }

    /** runc's exit status, or -1 when it could not be run. */
    public int exitStatus() {
        return exitStatus;
    }

    /** What runc wrote on stdout/stderr (trimmed), possibly empty. */
    public String output() {
        return output;
    }

    private static String describe(List<String> argv, int exitStatus, String output) {
        String base = argv.getFirst() + " did not terminate successfully: exit status " + exitStatus;
        return output.isBlank() ? base : base + ": " + output.strip();
    }
}
