package io.jshim.plugin.taskrunc.service;

import com.google.protobuf.Empty;
import com.google.protobuf.InvalidProtocolBufferException;
import io.jshim.api.ContainerdAny;
import io.jshim.api.runc.v1.CheckpointOptions;
import io.jshim.api.runc.v1.ProcessDetails;
import io.jshim.api.task.v2.*;
import io.jshim.api.types.Mount;
import io.jshim.api.v1.types.ProcessInfo;
import io.jshim.api.v1.types.Status;
import io.jshim.plugin.taskrunc.container.CreateRequest;
import io.jshim.plugin.taskrunc.container.MountSpec;
import io.jshim.plugin.taskrunc.error.TaskException;
import io.jshim.plugin.taskrunc.options.OptionsDecoder;
import io.jshim.plugin.taskrunc.process.ContainerProcess;
import io.jshim.plugin.taskrunc.process.ExecProcess;
import io.jshim.plugin.taskrunc.process.Exit;
import io.jshim.plugin.taskrunc.stdio.StdioPaths;
import io.jshim.ttrpc.BindableService;

import java.nio.file.Path;
import java.util.List;
import java.util.Objects;

/**
 * The Task service over {@link RuncTasks}: translates requests to domain calls and results to responses; every
 * error is mapped by {@link TaskErrors}. Serves {@code containerd.task.v2.Task}; {@link #bindV3()} serves the same
 * handlers as {@code containerd.task.v3.Task}: the two protos differ only in their package (same messages, same
 * field numbers), so v3 requests are read with the v2 message classes.
 */
public final class TaskTtrpcService extends TaskTtrpc.TaskImplBase {
    /** containerd 1.6+'s service name. */
    public static final String SERVICE_V2 = TaskTtrpc.SERVICE_NAME;
    /** containerd 2.x's service name (shim API version 3). */
    public static final String SERVICE_V3 = io.jshim.api.task.v3.TaskTtrpc.SERVICE_NAME;
    private static final Empty EMPTY = Empty.getDefaultInstance();

    private final RuncTasks tasks;
    private final TaskStats stats;
    private final int shimPid;

    public TaskTtrpcService(RuncTasks tasks, TaskStats stats, int shimPid) {
        this.tasks = Objects.requireNonNull(tasks, "tasks is null");
        this.stats = Objects.requireNonNull(stats, "stats is null");
        this.shimPid = shimPid;
    }

    /** The same handlers under {@link #SERVICE_V3}. */
    public BindableService bindV3() {
        return () -> bindService().renamed(SERVICE_V3);
    }

    @Override
    public StateResponse state(StateRequest r) {
        return TaskErrors.call("State", () -> stateOf(r));
    }

    @Override
    public CreateTaskResponse create(CreateTaskRequest r) {
        return TaskErrors.call("Create", () -> createTask(r));
    }

    @Override
    public StartResponse start(StartRequest r) {
        return TaskErrors.call("Start", () -> StartResponse.newBuilder().setPid(tasks.start(r.getId(), r.getExecId())).build());
    }

    @Override
    public DeleteResponse delete(DeleteRequest r) {
        return TaskErrors.call("Delete", () -> deleteProcess(r));
    }

    @Override
    public PidsResponse pids(PidsRequest r) {
        return TaskErrors.call("Pids", () -> pidsOf(r));
    }

    @Override
    public Empty pause(PauseRequest r) {
        return TaskErrors.call("Pause", () -> {
            tasks.pause(r.getId());
            return EMPTY;
        });
    }

    @Override
    public Empty resume(ResumeRequest r) {
        return TaskErrors.call("Resume", () -> {
            tasks.resume(r.getId());
            return EMPTY;
        });
    }

    @Override
    public Empty checkpoint(CheckpointTaskRequest r) {
        return TaskErrors.call("Checkpoint", () -> checkpointTask(r));
    }

    @Override
    public Empty kill(KillRequest r) {
        return TaskErrors.call("Kill", () -> {
            tasks.kill(r.getId(), r.getExecId(), r.getSignal(), r.getAll());
            return EMPTY;
        });
    }

    @Override
    public Empty exec(ExecProcessRequest r) {
        return TaskErrors.call("Exec", () -> {
            tasks.exec(r.getId(), r.getExecId(), r.getSpec().getValue().toByteArray(),
                    new StdioPaths(r.getStdin(), r.getStdout(), r.getStderr(), r.getTerminal()));
            return EMPTY;
        });
    }

    @Override
    public Empty resizePty(ResizePtyRequest r) {
        return TaskErrors.call("ResizePty", () -> {
            tasks.resizePty(r.getId(), r.getExecId(), r.getWidth(), r.getHeight());
            return EMPTY;
        });
    }

    @Override
    public Empty closeIO(CloseIORequest r) {
        return TaskErrors.call("CloseIO", () -> {
            if (r.getStdin()) {
                tasks.closeStdin(r.getId(), r.getExecId());
            }
            return EMPTY;
        });
    }

    @Override
    public Empty update(UpdateTaskRequest r) {
        return TaskErrors.call("Update", () -> {
            tasks.update(r.getId(), r.getResources().getValue().toByteArray());
            return EMPTY;
        });
    }

    @Override
    public WaitResponse wait(WaitRequest r) {
        return TaskErrors.call("Wait", () -> {
            Exit exit = tasks.await(r.getId(), r.getExecId());
            return WaitResponse.newBuilder().setExitStatus(exit.status())
                    .setExitedAt(TaskEvents.timestamp(exit.at())).build();
        });
    }

    @Override
    public StatsResponse stats(StatsRequest r) {
        return TaskErrors.call("Stats",
                () -> StatsResponse.newBuilder().setStats(stats.stats(tasks.container(r.getId()))).build());
    }

    @Override
    public ConnectResponse connect(ConnectRequest r) {
        return TaskErrors.call("Connect",
                () -> ConnectResponse.newBuilder().setShimPid(shimPid).setTaskPid(tasks.initPid(r.getId())).build());
    }

    @Override
    public Empty shutdown(ShutdownRequest r) {
        return TaskErrors.call("Shutdown", () -> {
            tasks.shutdown();
            return EMPTY;
        });
    }

    private CreateTaskResponse createTask(CreateTaskRequest r) {
        List<MountSpec> mounts = r.getRootfsList().stream()
                .map(m -> new MountSpec(m.getType(), m.getSource(), m.getTarget(), m.getOptionsList())).toList();
        if (r.getBundle().isEmpty()) {
            throw new TaskException.InvalidArgument("bundle of container " + r.getId() + " is empty");
        }
        CreateRequest request = new CreateRequest(r.getId(), Path.of(r.getBundle()), mounts,
                new StdioPaths(r.getStdin(), r.getStdout(), r.getStderr(), r.getTerminal()), r.getCheckpoint(),
                OptionsDecoder.decode(r.hasOptions() ? r.getOptions() : null));
        List<Mount> rootfs = r.getRootfsList();
        return CreateTaskResponse.newBuilder().setPid(tasks.create(request, rootfs)).build();
    }

    private StateResponse stateOf(StateRequest r) {
        ContainerProcess p = tasks.process(r.getId(), r.getExecId());
        Exit exit = p.exit();
        StdioPaths io = p.stdio();
        StateResponse.Builder b = StateResponse.newBuilder().setId(p.id()).setPid(p.pid())
                .setBundle(tasks.container(r.getId()).bundle().toString()).setStatus(status(p))
                .setStdin(io.stdin()).setStdout(io.stdout()).setStderr(io.stderr()).setTerminal(io.terminal())
                .setExecId(r.getExecId());
        if (exit != null) {
            b.setExitStatus(exit.status()).setExitedAt(TaskEvents.timestamp(exit.at()));
        }
        return b.build();
    }

    private static Status status(ContainerProcess p) {
        return switch (p.status()) {
            case CREATED, CREATED_CHECKPOINT -> Status.CREATED;
            case RUNNING -> Status.RUNNING;
            case PAUSED -> Status.PAUSED;
            case STOPPED, DELETED -> Status.STOPPED;
        };
    }

    private DeleteResponse deleteProcess(DeleteRequest r) {
        ContainerProcess p = tasks.delete(r.getId(), r.getExecId());
        Exit exit = p.exit();
        DeleteResponse.Builder b = DeleteResponse.newBuilder().setPid(p.pid());
        if (exit != null) {
            b.setExitStatus(exit.status()).setExitedAt(TaskEvents.timestamp(exit.at()));
        }
        return b.build();
    }

    private PidsResponse pidsOf(PidsRequest r) {
        List<ExecProcess> execs = tasks.execs(r.getId());
        PidsResponse.Builder b = PidsResponse.newBuilder();
        for (int pid : tasks.pids(r.getId())) {
            ProcessInfo.Builder info = ProcessInfo.newBuilder().setPid(pid);
            execs.stream().filter(e -> e.pid() == pid).findFirst().ifPresent(e ->
                    info.setInfo(ContainerdAny.pack(ProcessDetails.newBuilder().setExecId(e.id()).build())));
            b.addProcesses(info);
        }
        return b.build();
    }

    private Empty checkpointTask(CheckpointTaskRequest r) throws InvalidProtocolBufferException {
        CheckpointOptions o = r.hasOptions() && !r.getOptions().getTypeUrl().isEmpty()
                ? ContainerdAny.unpack(r.getOptions(), CheckpointOptions.class) : CheckpointOptions.getDefaultInstance();
        String image = o.getImagePath().isEmpty() ? r.getPath() : o.getImagePath();
        if (image.isEmpty()) {
            throw new TaskException.InvalidArgument("checkpoint of container " + r.getId() + " needs an image path");
        }
        tasks.checkpoint(r.getId(), new io.jshim.plugin.taskrunc.runc.CheckpointOptions(Path.of(image),
                o.getWorkPath().isEmpty() ? null : Path.of(o.getWorkPath()), o.getExit(), o.getOpenTcp(),
                o.getExternalUnixSockets(), o.getTerminal(), o.getFileLocks(), o.getEmptyNamespacesList()));
        return EMPTY;
    }
}
