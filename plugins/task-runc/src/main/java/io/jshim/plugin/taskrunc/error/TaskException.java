package io.jshim.plugin.taskrunc.error;

/**
 * The one error type of the task plugin. Each subtype corresponds to one containerd errdefs class; the TTRPC
 * adapter maps them to status codes in a single place ({@code TaskErrors#toStatus}).
 * Messages follow "failed to &lt;verb&gt; &lt;object&gt; &lt;id&gt;: &lt;cause&gt;" or state what is wrong.
 */
public sealed class TaskException extends RuntimeException
        permits TaskException.NotFound, TaskException.AlreadyExists, TaskException.FailedPrecondition,
        TaskException.InvalidArgument, TaskException.Unimplemented, TaskException.Unknown {

    private TaskException(String message, Throwable cause) {
        super(message, cause);
    }

    /** The addressed container, process or resource does not exist (errdefs.ErrNotFound). */
    public static final class NotFound extends TaskException {
        public NotFound(String message) {
            super(message, null);
        }
    }

    /** The resource to create already exists (errdefs.ErrAlreadyExists). */
    public static final class AlreadyExists extends TaskException {
        public AlreadyExists(String message) {
            super(message, null);
        }
    }

    /** The operation is not allowed in the current state (errdefs.ErrFailedPrecondition). */
    public static final class FailedPrecondition extends TaskException {
        public FailedPrecondition(String message) {
            super(message, null);
        }
    }

    /** The request is malformed (errdefs.ErrInvalidArgument). */
    public static final class InvalidArgument extends TaskException {
        public InvalidArgument(String message) {
            super(message, null);
        }

        public InvalidArgument(String message, Throwable cause) {
            super(message, cause);
        }
    }

    /** The operation is not supported by this shim (errdefs.ErrNotImplemented). */
    public static final class Unimplemented extends TaskException {
        public Unimplemented(String message) {
            super(message, null);
        }
    }

    /** Anything else, typically a failure of the OCI runtime; the message carries runc's own error. */
    public static final class Unknown extends TaskException {
        public Unknown(String message) {
            super(message, null);
        }

        public Unknown(String message, Throwable cause) {
            super(message, cause);
        }
    }
}
