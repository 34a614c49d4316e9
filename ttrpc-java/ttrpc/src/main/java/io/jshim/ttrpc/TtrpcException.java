package io.jshim.ttrpc;

import static java.util.Objects.requireNonNull;

/**
 * A failed TTRPC call, carrying its {@link Status}.
 *
 * <p>Handlers throw it to answer with a specific status; clients receive it when the server answered
 * with a non-OK status or when the call could not complete (e.g. {@code UNAVAILABLE} when the
 * connection is gone, {@code DEADLINE_EXCEEDED} when the deadline passed).
 */
public class TtrpcException extends RuntimeException {

    private final Status status;

    /**
     * @param status the status; its description becomes part of the exception message
     */
    public TtrpcException(Status status) {
        super(requireNonNull(status, "status is null").toString());
        this.status = status;
    }

    /**
     * @param status the status
     * @param cause the underlying failure
     */
    public TtrpcException(Status status, Throwable cause) {
        super(requireNonNull(status, "status is null").toString(), cause);
        this.status = status;
    }

    /** @return the status of the failed call */
    public Status status() {
        return status;
    }
}
