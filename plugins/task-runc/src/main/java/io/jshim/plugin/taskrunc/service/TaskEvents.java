package io.jshim.plugin.taskrunc.service;

import com.google.protobuf.Timestamp;
import io.jshim.api.events.TaskCheckpointed;
import io.jshim.api.events.TaskCreate;
import io.jshim.api.events.TaskDelete;
import io.jshim.api.events.TaskExecAdded;
import io.jshim.api.events.TaskExecStarted;
import io.jshim.api.events.TaskExit;
import io.jshim.api.events.TaskIO;
import io.jshim.api.events.TaskOOM;
import io.jshim.api.events.TaskPaused;
import io.jshim.api.events.TaskResumed;
import io.jshim.api.events.TaskStart;
import io.jshim.api.types.Mount;
import io.jshim.framework.plugin.Publisher;
import io.jshim.plugin.taskrunc.process.Exit;
import io.jshim.plugin.taskrunc.stdio.StdioPaths;

import java.time.Instant;
import java.util.List;
import java.util.Objects;

/** The task events of containerd's runc shim, with its topics and fields (v1.6 {@code service.go}). */
public final class TaskEvents {
    public static final String CREATE = "/tasks/create";
    public static final String START = "/tasks/start";
    public static final String EXIT = "/tasks/exit";
    public static final String DELETE = "/tasks/delete";
    public static final String EXEC_ADDED = "/tasks/exec-added";
    public static final String EXEC_STARTED = "/tasks/exec-started";
    public static final String PAUSED = "/tasks/paused";
    public static final String RESUMED = "/tasks/resumed";
    public static final String CHECKPOINTED = "/tasks/checkpointed";
    public static final String OOM = "/tasks/oom";

    private final Publisher publisher;

    public TaskEvents(Publisher publisher) {
        this.publisher = Objects.requireNonNull(publisher, "publisher is null");
    }

    void created(String id, String bundle, List<Mount> rootfs, StdioPaths io, String checkpoint, int pid) {
        publisher.publish(CREATE, TaskCreate.newBuilder().setContainerId(id).setBundle(bundle).addAllRootfs(rootfs)
                .setIo(TaskIO.newBuilder().setStdin(io.stdin()).setStdout(io.stdout()).setStderr(io.stderr())
                        .setTerminal(io.terminal()))
                .setCheckpoint(checkpoint).setPid(pid).build());
    }

    void started(String id, int pid) {
        publisher.publish(START, TaskStart.newBuilder().setContainerId(id).setPid(pid).build());
    }

    void execStarted(String id, String execId, int pid) {
        publisher.publish(EXEC_STARTED, TaskExecStarted.newBuilder().setContainerId(id).setExecId(execId)
                .setPid(pid).build());
    }

    void execAdded(String id, String execId) {
        publisher.publish(EXEC_ADDED, TaskExecAdded.newBuilder().setContainerId(id).setExecId(execId).build());
    }

    void exited(String id, String processId, Exit exit) {
        publisher.publish(EXIT, TaskExit.newBuilder().setContainerId(id).setId(processId).setPid(exit.pid())
                .setExitStatus(exit.status()).setExitedAt(timestamp(exit.at())).build());
    }

    void deleted(String id, int pid, int exitStatus, Instant exitedAt) {
        publisher.publish(DELETE, TaskDelete.newBuilder().setContainerId(id).setPid(pid).setExitStatus(exitStatus)
                .setExitedAt(timestamp(exitedAt)).build());
    }

    void paused(String id) {
        publisher.publish(PAUSED, TaskPaused.newBuilder().setContainerId(id).build());
    }

    void resumed(String id) {
        publisher.publish(RESUMED, TaskResumed.newBuilder().setContainerId(id).build());
    }

    void checkpointed(String id, String checkpoint) {
        publisher.publish(CHECKPOINTED, TaskCheckpointed.newBuilder().setContainerId(id).setCheckpoint(checkpoint)
                .build());
    }

    /** Publishes an OOM event for container {@code id}. */
    public void oom(String id) {
        publisher.publish(OOM, TaskOOM.newBuilder().setContainerId(id).build());
    }

    static Timestamp timestamp(Instant at) {
        if (at == null) {
            return Timestamp.getDefaultInstance();
        }
        return Timestamp.newBuilder().setSeconds(at.getEpochSecond()).setNanos(at.getNano()).build();
    }
}
