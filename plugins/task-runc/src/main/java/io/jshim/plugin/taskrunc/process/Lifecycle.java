package io.jshim.plugin.taskrunc.process;

import io.jshim.plugin.taskrunc.error.TaskException;

import java.util.EnumSet;
import java.util.Map;
import java.util.Set;

/**
 * The state machine of one process: which {@link Operation}s each {@link ProcessStatus} allows and which
 * transitions exist. Init and exec processes share the table except that execs can never be paused,
 * exec'd into, updated or checkpointed (those act on the container, i.e. its init).
 * Not thread-safe: the owning process guards it with its own lock.
 */
final class Lifecycle {
    private static final Map<ProcessStatus, Set<Operation>> INIT_ALLOWED = Map.of(
            ProcessStatus.CREATED, EnumSet.of(Operation.START, Operation.DELETE, Operation.KILL, Operation.EXEC,
                    Operation.UPDATE, Operation.RESIZE),
            ProcessStatus.CREATED_CHECKPOINT, EnumSet.of(Operation.START, Operation.DELETE, Operation.KILL),
            ProcessStatus.RUNNING, EnumSet.of(Operation.PAUSE, Operation.KILL, Operation.EXEC, Operation.UPDATE,
                    Operation.CHECKPOINT, Operation.RESIZE),
            ProcessStatus.PAUSED, EnumSet.of(Operation.RESUME, Operation.KILL, Operation.UPDATE,
                    Operation.CHECKPOINT, Operation.RESIZE),
            ProcessStatus.STOPPED, EnumSet.of(Operation.DELETE, Operation.KILL),
            ProcessStatus.DELETED, EnumSet.noneOf(Operation.class));

    private static final Set<Operation> EXEC_OPERATIONS =
            EnumSet.of(Operation.START, Operation.DELETE, Operation.KILL, Operation.RESIZE);

    private static final Map<ProcessStatus, Set<ProcessStatus>> TRANSITIONS = Map.of(
            ProcessStatus.CREATED, EnumSet.of(ProcessStatus.RUNNING, ProcessStatus.STOPPED, ProcessStatus.DELETED),
            ProcessStatus.CREATED_CHECKPOINT, EnumSet.of(ProcessStatus.RUNNING, ProcessStatus.STOPPED,
                    ProcessStatus.DELETED),
            ProcessStatus.RUNNING, EnumSet.of(ProcessStatus.PAUSED, ProcessStatus.STOPPED),
            ProcessStatus.PAUSED, EnumSet.of(ProcessStatus.RUNNING, ProcessStatus.STOPPED),
            ProcessStatus.STOPPED, EnumSet.of(ProcessStatus.DELETED),
            ProcessStatus.DELETED, EnumSet.noneOf(ProcessStatus.class));

    private final boolean init;
    private ProcessStatus status;

    Lifecycle(boolean init, ProcessStatus initial) {
        this.init = init;
        this.status = initial;
    }

    ProcessStatus status() {
        return status;
    }

    /**
     * Throws unless {@code op} is allowed now.
     *
     * @throws TaskException.FailedPrecondition e.g. "cannot delete a running process"
     */
    void require(Operation op) {
        boolean allowed = INIT_ALLOWED.get(status).contains(op) && (init || EXEC_OPERATIONS.contains(op));
        if (!allowed) {
            throw new TaskException.FailedPrecondition(message(op));
        }
    }

    /** Moves to {@code next}; an illegal transition is a bug in the caller. */
    void moveTo(ProcessStatus next) {
        if (!TRANSITIONS.get(status).contains(next)) {
            throw new IllegalStateException("invalid state transition " + status.word() + " -> " + next.word());
        }
        status = next;
    }

    /** Records an exit: any live state becomes stopped; returns false when already stopped or deleted. */
    boolean exited() {
        if (status == ProcessStatus.STOPPED || status == ProcessStatus.DELETED) {
            return false;
        }
        status = ProcessStatus.STOPPED;
        return true;
    }

    private String message(Operation op) {
        if (!init && (op == Operation.PAUSE || op == Operation.RESUME || op == Operation.EXEC
                || op == Operation.UPDATE || op == Operation.CHECKPOINT)) {
            return "cannot " + op.verb() + " an exec'd process";
        }
        return "cannot " + op.verb() + " a " + status.word() + " process";
    }
}
