package io.jshim.plugin.taskrunc.process;

/** The life-cycle states of a container process, as in the Go shim's {@code init_state.go}/{@code exec_state.go}. */
public enum ProcessStatus {
    /** Created by runc, user process not yet started ({@code runc create} done). */
    CREATED,
    /** Created from a checkpoint: {@code Start} restores it. */
    CREATED_CHECKPOINT,
    /** Running. */
    RUNNING,
    /** Frozen by {@code runc pause}. */
    PAUSED,
    /** Exited; its exit status is known. */
    STOPPED,
    /** Removed; no operation is possible any more. */
    DELETED;

    /** The lower-case word used in messages and by runc ("created", "running", ...). */
    public String word() {
        return this == CREATED_CHECKPOINT ? "created" : name().toLowerCase(java.util.Locale.ROOT);
    }
}
