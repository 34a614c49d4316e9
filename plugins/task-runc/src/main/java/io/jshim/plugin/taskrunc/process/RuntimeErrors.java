package io.jshim.plugin.taskrunc.process;

import io.jshim.plugin.taskrunc.error.TaskException;
import io.jshim.plugin.taskrunc.runc.Runc;
import io.jshim.plugin.taskrunc.runc.RuncException;

import java.util.Locale;

/** Turns runc failures into task errors with the Go shim's wording ("OCI runtime create failed: ..."). */
final class RuntimeErrors {
    private RuntimeErrors() {
    }

    /**
     * The error for a failed runc call: the last error runc logged if there is one, else runc's own failure.
     *
     * @param what e.g. "OCI runtime create failed"
     */
    static TaskException runtime(Runc runc, RuncException e, String what) {
        String logged = runc.lastError();
        if (!logged.isEmpty()) {
            return new TaskException.Unknown(what + ": " + logged, e);
        }
        return new TaskException.Unknown(what + ": " + e.getMessage(), e);
    }

    /** Go's {@code checkKillError}: a process that is gone is NotFound. */
    static TaskException kill(Runc runc, RuncException e) {
        String text = (e.getMessage() + " " + runc.lastError()).toLowerCase(Locale.ROOT);
        if (text.contains("os: process already finished") || text.contains("container not running")
                || text.contains("no such process")) {
            return new TaskException.NotFound("process already finished");
        }
        if (text.contains("does not exist")) {
            return new TaskException.NotFound("no such container");
        }
        return new TaskException.Unknown("unknown error after kill: " + e.getMessage(), e);
    }
}
