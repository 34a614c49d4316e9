package io.jshim.framework;

/**
 * Base of the framework's errors: the message says what failed and why, in the form
 * {@code failed to <verb> <object> <id>: <cause>}. The bootstrap prints it as the one line containerd
 * shows to its user, and exits 1.
 */
public class ShimException extends RuntimeException {
    /** @param message what failed, with context */
    public ShimException(String message) {
        super(message);
    }

    /** @param message what failed, with context; {@code cause} the underlying error */
    public ShimException(String message, Throwable cause) {
        super(message, cause);
    }
}
