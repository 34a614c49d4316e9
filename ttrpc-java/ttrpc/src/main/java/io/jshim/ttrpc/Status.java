package io.jshim.ttrpc;

import java.util.Objects;

/**
 * The outcome of a TTRPC call: a gRPC status code and an optional human-readable description.
 *
 * <p>Instances are immutable. Use the constants and {@link #withDescription(String)}:
 * {@code throw Status.NOT_FOUND.withDescription("container abc").asException();}
 */
public final class Status {

    /** The gRPC status codes, with their wire numbers. */
    public enum Code {
        /** Not an error. */
        OK(0),
        /** The operation was cancelled, typically by the caller. */
        CANCELLED(1),
        /** Unknown error. */
        UNKNOWN(2),
        /** The client specified an invalid argument. */
        INVALID_ARGUMENT(3),
        /** The deadline expired before the operation could complete. */
        DEADLINE_EXCEEDED(4),
        /** Some requested entity was not found. */
        NOT_FOUND(5),
        /** The entity that a client attempted to create already exists. */
        ALREADY_EXISTS(6),
        /** The caller does not have permission. */
        PERMISSION_DENIED(7),
        /** Some resource has been exhausted (for TTRPC: typically the 4 MiB message limit). */
        RESOURCE_EXHAUSTED(8),
        /** The system is not in a state required for the operation. */
        FAILED_PRECONDITION(9),
        /** The operation was aborted. */
        ABORTED(10),
        /** The operation was attempted past the valid range. */
        OUT_OF_RANGE(11),
        /** The operation is not implemented or not supported. */
        UNIMPLEMENTED(12),
        /** Internal error. */
        INTERNAL(13),
        /** The service is currently unavailable (for TTRPC: the connection is gone). */
        UNAVAILABLE(14),
        /** Unrecoverable data loss or corruption. */
        DATA_LOSS(15),
        /** The request does not have valid authentication credentials. */
        UNAUTHENTICATED(16);

        private static final Code[] BY_VALUE = values();

        private final int value;

        Code(int value) {
            this.value = value;
        }

        /** @return the numeric code used on the wire */
        public int value() {
            return value;
        }

        /** @return a status with this code and no description */
        public Status toStatus() {
            return new Status(this, "");
        }

        /**
         * @param value a numeric gRPC code
         * @return the code, or {@link #UNKNOWN} for numbers outside the gRPC range
         */
        public static Code forNumber(int value) {
            return value >= 0 && value < BY_VALUE.length ? BY_VALUE[value] : UNKNOWN;
        }
    }

    /** Success. */
    public static final Status OK = Code.OK.toStatus();
    /** See {@link Code#CANCELLED}. */
    public static final Status CANCELLED = Code.CANCELLED.toStatus();
    /** See {@link Code#UNKNOWN}. */
    public static final Status UNKNOWN = Code.UNKNOWN.toStatus();
    /** See {@link Code#INVALID_ARGUMENT}. */
    public static final Status INVALID_ARGUMENT = Code.INVALID_ARGUMENT.toStatus();
    /** See {@link Code#DEADLINE_EXCEEDED}. */
    public static final Status DEADLINE_EXCEEDED = Code.DEADLINE_EXCEEDED.toStatus();
    /** See {@link Code#NOT_FOUND}. */
    public static final Status NOT_FOUND = Code.NOT_FOUND.toStatus();
    /** See {@link Code#ALREADY_EXISTS}. */
    public static final Status ALREADY_EXISTS = Code.ALREADY_EXISTS.toStatus();
    /** See {@link Code#PERMISSION_DENIED}. */
    public static final Status PERMISSION_DENIED = Code.PERMISSION_DENIED.toStatus();
    /** See {@link Code#RESOURCE_EXHAUSTED}. */
    public static final Status RESOURCE_EXHAUSTED = Code.RESOURCE_EXHAUSTED.toStatus();
    /** See {@link Code#FAILED_PRECONDITION}. */
    public static final Status FAILED_PRECONDITION = Code.FAILED_PRECONDITION.toStatus();
    /** See {@link Code#ABORTED}. */
    public static final Status ABORTED = Code.ABORTED.toStatus();
    /** See {@link Code#OUT_OF_RANGE}. */
    public static final Status OUT_OF_RANGE = Code.OUT_OF_RANGE.toStatus();
    /** See {@link Code#UNIMPLEMENTED}. */
    public static final Status UNIMPLEMENTED = Code.UNIMPLEMENTED.toStatus();
    /** See {@link Code#INTERNAL}. */
    public static final Status INTERNAL = Code.INTERNAL.toStatus();
    /** See {@link Code#UNAVAILABLE}. */
    public static final Status UNAVAILABLE = Code.UNAVAILABLE.toStatus();
    /** See {@link Code#DATA_LOSS}. */
    public static final Status DATA_LOSS = Code.DATA_LOSS.toStatus();
    /** See {@link Code#UNAUTHENTICATED}. */
    public static final Status UNAUTHENTICATED = Code.UNAUTHENTICATED.toStatus();

    private final Code code;
    private final String description;

    private Status(Code code, String description) {
        this.code = code;
        this.description = description;
    }

    /** @return the status code */
    public Code code() {
        return code;
    }

    /** @return the description, empty when none */
    public String description() {
        return description;
    }

    /** @return true when the code is {@link Code#OK} */
    public boolean isOk() {
        return code == Code.OK;
    }

    /**
     * @param description the human-readable message (null means none)
     * @return a status with the same code and the given description
     */
    public Status withDescription(String description) {
        return new Status(code, description == null ? "" : description);
    }

    /** @return an exception carrying this status, to be thrown by handlers or returned to callers */
    public TtrpcException asException() {
        return new TtrpcException(this);
    }

    /**
     * @param cause the underlying failure
     * @return an exception carrying this status and the cause
     */
    public TtrpcException asException(Throwable cause) {
        return new TtrpcException(this, cause);
    }

    /** @return this status as the {@code google.rpc.Status} wire message */
    public io.jshim.ttrpc.proto.Status toProto() {
        return io.jshim.ttrpc.proto.Status.newBuilder().setCode(code.value()).setMessage(description).build();
    }

    /**
     * @param proto a {@code google.rpc.Status} from the wire
     * @return the equivalent status (details are not kept)
     */
    public static Status fromProto(io.jshim.ttrpc.proto.Status proto) {
        return new Status(Code.forNumber(proto.getCode()), proto.getMessage());
    }

    /**
     * Maps any failure to a status: a {@link TtrpcException} keeps its status, anything else becomes
     * {@link Code#UNKNOWN} with the exception's message (or its class name when it has none).
     *
     * @param failure the failure
     * @return the status to report
     */
    public static Status fromThrowable(Throwable failure) {
        for (Throwable t = failure; t != null; t = t.getCause()) {
            if (t instanceof TtrpcException e) {
                return e.status();
            }
        }
        String message = failure.getMessage();
        return UNKNOWN.withDescription(message == null || message.isEmpty() ? failure.getClass().getName() : message);
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof Status other && code == other.code && description.equals(other.description);
    }

    @Override
    public int hashCode() {
        return Objects.hash(code, description);
    }

    @Override
    public String toString() {
        return description.isEmpty() ? code.name() : code.name() + ": " + description;
    }
}
