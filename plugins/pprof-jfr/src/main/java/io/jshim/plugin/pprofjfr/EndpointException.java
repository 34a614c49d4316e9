package io.jshim.plugin.pprofjfr;

/** A request the endpoint refuses, with the HTTP status and a message telling the caller what is allowed. */
final class EndpointException extends RuntimeException {
    private static final long serialVersionUID = 1L;

    private final int status;

    private EndpointException(int status, String message) {
        super(message);
        this.status = status;
    }

    /** 400: a parameter has a value the endpoint does not accept. */
    static EndpointException badRequest(String message) {
        return new EndpointException(400, message);
    }

    /** 409: the request does not fit the current state (for example stopping when nothing records). */
    static EndpointException conflict(String message) {
        return new EndpointException(409, message);
    }

    int status() {
        return status;
    }
}
