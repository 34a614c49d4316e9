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
import io.jshim.ttrpc.MethodDescriptor;
import io.jshim.ttrpc.ServiceDefinition;

import java.nio.file.Path;
import java.util.List;
import java.util.Objects;

/**
 * The Task service over {@link RuncTasks}: translates requests to domain calls and results to responses; every
 * error is mapped by {@link TaskErrors}. Serves {@code containerd.task.v2.Task} or, with the same handlers,
 * {@code containerd.task.v3.Task}: the two protos differ only in their package (same messages, same field
 * numbers), so v3 requests are read with the v2 message classes.
 */
public final class TaskTtrpcService implements BindableService {
    /** containerd 1.6+'s service name. */
    public static final String SERVICE_V2 = "containerd.task.v2.Task";
    /** containerd 2.x's service name (shim API version 3). */
    public static final String SERVICE_V3 = "containerd.task.v3.Task";
    private static final Empty EMPTY = Empty.getDefaultInstance();

    private final String service;
    private final RuncTasks tasks;
    private final TaskStats stats;
    private final int shimPid;

    /** @param service {@link #SERVICE_V2} or {@link #SERVICE_V3} */
    public TaskTtrpcService(String service, RuncTasks tasks, TaskStats stats, int shimPid) {
        if (!SERVICE_V2.equals(service) && !SERVICE_V3.equals(service)) {
            throw new IllegalArgumentException("unknown task service " + service);
        }
        this.service = service;
        this.tasks = Objects.requireNonNull(tasks, "tasks is null");
        this.stats = Objects.requireNonNull(stats, "stats is null");
        this.shimPid = shimPid;
    }

    private <Q extends com.google.protobuf.Message, R extends com.google.protobuf.Message>
    MethodDescriptor<Q, R> method(String name, com.google.protobuf.Parser<Q> req, com.google.protobuf.Parser<R> resp) {
        return MethodDescriptor.create(service, name, req, resp);
    }

    @Override
    public ServiceDefinition bindService() {
        return ServiceDefinition.builder(service)
                .addMethod(method("State", StateRequest.parser(), StateResponse.parser()), r -> TaskErrors.call("State", () -> state(r)))
                .addMethod(method("Create", CreateTaskRequest.parser(), CreateTaskResponse.parser()), r -> TaskErrors.call("Create", () -> create(r)))
                .addMethod(method("Start", StartRequest.parser(), StartResponse.parser()), r -> TaskErrors.call("Start",
                        () -> StartResponse.newBuilder().setPid(tasks.start(r.getId(), r.getExecId())).build()))
                .addMethod(method("Delete", DeleteRequest.parser(), DeleteResponse.parser()), r -> TaskErrors.call("Delete", () -> delete(r)))
                .addMethod(method("Pids", PidsRequest.parser(), PidsResponse.parser()), r -> TaskErrors.call("Pids", () -> pids(r)))
                .addMethod(method("Pause", PauseRequest.parser(), Empty.parser()), r -> TaskErrors.call("Pause", () -> {
                    tasks.pause(r.getId());
                    return EMPTY;
                }))
                .addMethod(method("Resume", ResumeRequest.parser(), Empty.parser()), r -> TaskErrors.call("Resume", () -> {
                    tasks.resume(r.getId());
                    return EMPTY;
                }))
                .addMethod(method("Checkpoint", CheckpointTaskRequest.parser(), Empty.parser()), r -> TaskErrors.call("Checkpoint", () -> checkpoint(r)))
                .addMethod(method("Kill", KillRequest.parser(), Empty.parser()), r -> TaskErrors.call("Kill", () -> {
                    tasks.kill(r.getId(), r.getExecId(), r.getSignal(), r.getAll());
                    return EMPTY;
                }))
                .addMethod(method("Exec", ExecProcessRequest.parser(), Empty.parser()), r -> TaskErrors.call("Exec", () -> {
                    tasks.exec(r.getId(), r.getExecId(), r.getSpec().getValue().toByteArray(),
                            new StdioPaths(r.getStdin(), r.getStdout(), r.getStderr(), r.getTerminal()));
                    return EMPTY;
                }))
                .addMethod(method("ResizePty", ResizePtyRequest.parser(), Empty.parser()), r -> TaskErrors.call("ResizePty", () -> {
                    tasks.resizePty(r.getId(), r.getExecId(), r.getWidth(), r.getHeight());
                    return EMPTY;
                }))
                .addMethod(method("CloseIO", CloseIORequest.parser(), Empty.parser()), r -> TaskErrors.call("CloseIO", () -> {
                    if (r.getStdin()) {
                        tasks.closeStdin(r.getId(), r.getExecId());
                    }
                    return EMPTY;
                }))
                .addMethod(method("Update", UpdateTaskRequest.parser(), Empty.parser()), r -> TaskErrors.call("Update", () -> {
                    tasks.update(r.getId(), r.getResources().getValue().toByteArray());
                    return EMPTY;
                }))
                .addMethod(method("Wait", WaitRequest.parser(), WaitResponse.parser()), r -> TaskErrors.call("Wait", () -> {
                    Exit exit = tasks.await(r.getId(), r.getExecId());
                    return WaitResponse.newBuilder().setExitStatus(exit.status())
                            .setExitedAt(TaskEvents.timestamp(exit.at())).build();
                }))
                .addMethod(method("Stats", StatsRequest.parser(), StatsResponse.parser()), r -> TaskErrors.call("Stats",
                        () -> StatsResponse.newBuilder().setStats(stats.stats(tasks.container(r.getId()))).build()))
                .addMethod(method("Connect", ConnectRequest.parser(), ConnectResponse.parser()), r -> TaskErrors.call("Connect",
                        () -> ConnectResponse.newBuilder().setShimPid(shimPid).setTaskPid(tasks.initPid(r.getId())).build()))
                .addMethod(method("Shutdown", ShutdownRequest.parser(), Empty.parser()), r -> TaskErrors.call("Shutdown", () -> {
                    tasks.shutdown();
                    return EMPTY;
                }))
                .build();
    }

    private CreateTaskResponse create(CreateTaskRequest r) {
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

    private StateResponse state(StateRequest r) {
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

    private DeleteResponse delete(DeleteRequest r) {
        ContainerProcess p = tasks.delete(r.getId(), r.getExecId());
        Exit exit = p.exit();
        DeleteResponse.Builder b = DeleteResponse.newBuilder().setPid(p.pid());
        if (exit != null) {
            b.setExitStatus(exit.status()).setExitedAt(TaskEvents.timestamp(exit.at()));
        }
        return b.build();
    }

    private PidsResponse pids(PidsRequest r) {
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

    private Empty checkpoint(CheckpointTaskRequest r) throws InvalidProtocolBufferException {
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
