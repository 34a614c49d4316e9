package io.jshim.plugin.taskrunc.service;

import io.jshim.plugin.taskrunc.error.TaskException;
import io.jshim.ttrpc.Status;
import io.jshim.ttrpc.TtrpcException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/** The one place where task errors become TTRPC statuses (containerd's {@code errdefs.ToGRPC}). */
final class TaskErrors {
    private static final Logger LOG = LoggerFactory.getLogger(TaskErrors.class);

    private TaskErrors() {
    }

    /** A call whose errors are mapped. */
    @FunctionalInterface
    interface Call<T> {
        T run() throws Exception;
    }

    /** Runs {@code call}, translating any failure into a {@link TtrpcException} with the matching code. */
    static <T> T call(String method, Call<T> call) {
        try {
            return call.run();
        } catch (TtrpcException e) {
            throw e;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw Status.CANCELLED.withDescription(method + " interrupted").asException(e);
        } catch (Exception e) {
            throw toStatus(e).asException(e);
        }
    }

    /** The status for {@code e}: its code from the task error type, its message as description. */
    static Status toStatus(Throwable e) {
        if (e instanceof TaskException te) {
            Status base = switch (te) {
                case TaskException.NotFound n -> Status.NOT_FOUND;
                case TaskException.AlreadyExists a -> Status.ALREADY_EXISTS;
                case TaskException.FailedPrecondition f -> Status.FAILED_PRECONDITION;
                case TaskException.InvalidArgument i -> Status.INVALID_ARGUMENT;
                case TaskException.Unimplemented u -> Status.UNIMPLEMENTED;
                case TaskException.Unknown u -> Status.UNKNOWN;
                default -> Status.UNKNOWN;
            };
            return base.withDescription(te.getMessage());
        }
        LOG.error("unexpected failure in task service", e);
        return Status.UNKNOWN.withDescription(String.valueOf(e.getMessage()));
    }
}
