package io.jshim.plugin.pprofjfr;

/** The debug server could not start or stop; the message names the socket and the cause. */
public final class DebugServerException extends RuntimeException {
    private static final long serialVersionUID = 1L;

    DebugServerException(String message, Throwable cause) {
        super(message, cause);
    }
}
