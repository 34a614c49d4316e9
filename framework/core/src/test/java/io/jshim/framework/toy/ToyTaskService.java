package io.jshim.framework.toy;

import com.google.protobuf.Empty;
import com.google.protobuf.Timestamp;
import io.jshim.api.events.TaskCreate;
import io.jshim.api.events.TaskDelete;
import io.jshim.api.events.TaskExit;
import io.jshim.api.events.TaskIO;
import io.jshim.api.events.TaskStart;
import io.jshim.api.task.v2.ConnectRequest;
import io.jshim.api.task.v2.ConnectResponse;
import io.jshim.api.task.v2.CreateTaskRequest;
import io.jshim.api.task.v2.CreateTaskResponse;
import io.jshim.api.task.v2.DeleteRequest;
import io.jshim.api.task.v2.DeleteResponse;
import io.jshim.api.task.v2.KillRequest;
import io.jshim.api.task.v2.ShutdownRequest;
import io.jshim.api.task.v2.StartRequest;
import io.jshim.api.task.v2.StartResponse;
import io.jshim.api.task.v2.StateRequest;
import io.jshim.api.task.v2.StateResponse;
import io.jshim.api.task.v2.TaskTtrpc;
import io.jshim.api.task.v2.WaitRequest;
import io.jshim.api.task.v2.WaitResponse;
import io.jshim.api.v1.types.Status;
import io.jshim.framework.ShimOptions;
import io.jshim.framework.plugin.Publisher;
import io.jshim.framework.plugin.ShutdownService;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.time.Instant;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A Task service answering from memory. A started task "runs" a process that writes {@link #GREETING} to the
 * task's stdout FIFO and exits 0; Kill of a running task ends it with 128 + signal. Every transition is
 * published ({@code /tasks/create}, {@code /tasks/start}, {@code /tasks/exit}, {@code /tasks/delete}) with pid
 * {@link #TASK_PID} and logged at info with the {@code marker} of env {@value #MARKER_ENV}. {@code Shutdown}
 * triggers the shutdown service once no task is left (or with {@code now}).
 */
final class ToyTaskService extends TaskTtrpc.TaskImplBase {
    static final String MARKER_ENV = "JTOY_MARKER";
    static final int TASK_PID = 4242;
    static final String GREETING = "hello from the jtoy shim";
    private static final Logger LOG = LoggerFactory.getLogger(ToyTaskService.class);

    private final ShimOptions options;
    private final Publisher publisher;
    private final ShutdownService shutdown;
    private final String marker;
    private final Map<String, ToyTask> tasks = new ConcurrentHashMap<>();

    ToyTaskService(ShimOptions options, Publisher publisher, ShutdownService shutdown, String marker) {
        this.options = options;
        this.publisher = publisher;
        this.shutdown = shutdown;
        this.marker = marker;
    }

    /** One task's state; fields guarded by the instance. */
    private static final class ToyTask {
        final CreateTaskRequest request;
        final CountDownLatch exited = new CountDownLatch(1);
        Status status = Status.CREATED;
        int exitStatus;
        Instant exitedAt;

        ToyTask(CreateTaskRequest request) {
            this.request = request;
        }
    }

    @Override
    public CreateTaskResponse create(CreateTaskRequest request) {
        ToyTask task = new ToyTask(request);
        if (tasks.putIfAbsent(request.getId(), task) != null) {
            throw io.jshim.ttrpc.Status.ALREADY_EXISTS.withDescription("task " + request.getId() + " already exists").asException();
        }
        publisher.publish("/tasks/create", TaskCreate.newBuilder()
                .setContainerId(request.getId())
                .setBundle(request.getBundle())
                .setIo(TaskIO.newBuilder().setStdin(request.getStdin()).setStdout(request.getStdout())
                        .setStderr(request.getStderr()).setTerminal(request.getTerminal()))
                .setPid(TASK_PID)
                .build());
        LOG.atInfo().addKeyValue("id", request.getId()).addKeyValue("marker", marker)
                .addKeyValue("namespace", options.namespace()).log("toy task created");
        return CreateTaskResponse.newBuilder().setPid(TASK_PID).build();
    }

    @Override
    public StartResponse start(StartRequest request) {
        ToyTask task = task(request.getId(), request.getExecId());
        synchronized (task) {
            if (task.status != Status.CREATED) {
                throw io.jshim.ttrpc.Status.FAILED_PRECONDITION
                        .withDescription("task " + request.getId() + " is " + task.status + ", not created").asException();
            }
            task.status = Status.RUNNING;
        }
        publisher.publish("/tasks/start", TaskStart.newBuilder().setContainerId(request.getId()).setPid(TASK_PID).build());
        LOG.atInfo().addKeyValue("id", request.getId()).addKeyValue("marker", marker).log("toy task started");
        Thread.ofPlatform().daemon().name("toy-process-" + request.getId()).start(() -> {
            greet(task.request.getStdout());
            exit(task, 0);
        });
        return StartResponse.newBuilder().setPid(TASK_PID).build();
    }

    private static void greet(String stdout) {
        if (stdout.isEmpty()) {
            return;
        }
        // opening a FIFO for writing blocks until the reader (ctr) opens it
        try (OutputStream out = Files.newOutputStream(Path.of(stdout), StandardOpenOption.WRITE)) {
            out.write((GREETING + "\n").getBytes(StandardCharsets.UTF_8));
        } catch (IOException e) {
            LOG.atWarn().addKeyValue("path", stdout).addKeyValue("error", e.getMessage()).log("toy task cannot write stdout");
        }
    }

    private void exit(ToyTask task, int status) {
        Instant now = Instant.now();
        synchronized (task) {
            if (task.status != Status.RUNNING) {
                return;
            }
            task.status = Status.STOPPED;
            task.exitStatus = status;
            task.exitedAt = now;
        }
        publisher.publish("/tasks/exit", TaskExit.newBuilder().setContainerId(task.request.getId())
                .setId(task.request.getId()).setPid(TASK_PID).setExitStatus(status).setExitedAt(timestamp(now)).build());
        LOG.atInfo().addKeyValue("id", task.request.getId()).addKeyValue("status", status).addKeyValue("marker", marker)
                .log("toy task exited");
        task.exited.countDown();
    }

    @Override
    public StateResponse state(StateRequest request) {
        ToyTask task = task(request.getId(), request.getExecId());
        synchronized (task) {
            StateResponse.Builder state = StateResponse.newBuilder()
                    .setId(request.getId())
                    .setBundle(task.request.getBundle())
                    .setPid(TASK_PID)
                    .setStatus(task.status)
                    .setStdin(task.request.getStdin())
                    .setStdout(task.request.getStdout())
                    .setStderr(task.request.getStderr())
                    .setTerminal(task.request.getTerminal())
                    .setExitStatus(task.exitStatus);
            if (task.exitedAt != null) {
                state.setExitedAt(timestamp(task.exitedAt));
            }
            return state.build();
        }
    }

    @Override
    public WaitResponse wait(WaitRequest request) {
        ToyTask task = task(request.getId(), request.getExecId());
        try {
            while (!task.exited.await(1, TimeUnit.SECONDS)) {
                if (shutdown.isShutdown()) {
                    throw io.jshim.ttrpc.Status.UNAVAILABLE.withDescription("shim is shutting down").asException();
                }
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw io.jshim.ttrpc.Status.CANCELLED.withDescription("wait interrupted").asException();
        }
        synchronized (task) {
            return WaitResponse.newBuilder().setExitStatus(task.exitStatus).setExitedAt(timestamp(task.exitedAt)).build();
        }
    }

    @Override
    public Empty kill(KillRequest request) {
        ToyTask task = task(request.getId(), request.getExecId());
        synchronized (task) {
            if (task.status != Status.RUNNING) {
                throw io.jshim.ttrpc.Status.NOT_FOUND
                        .withDescription("process " + request.getId() + " is not running: " + task.status).asException();
            }
        }
        exit(task, 128 + request.getSignal());
        return Empty.getDefaultInstance();
    }

    @Override
    public DeleteResponse delete(DeleteRequest request) {
        ToyTask task = task(request.getId(), request.getExecId());
        synchronized (task) {
            if (task.status == Status.RUNNING) {
                throw io.jshim.ttrpc.Status.FAILED_PRECONDITION
                        .withDescription("task " + request.getId() + " is running: kill it first").asException();
            }
        }
        tasks.remove(request.getId());
        Instant exitedAt = task.exitedAt == null ? Instant.now() : task.exitedAt;
        publisher.publish("/tasks/delete", TaskDelete.newBuilder().setContainerId(request.getId()).setPid(TASK_PID)
                .setExitStatus(task.exitStatus).setExitedAt(timestamp(exitedAt)).build());
        LOG.atInfo().addKeyValue("id", request.getId()).addKeyValue("marker", marker).log("toy task deleted");
        return DeleteResponse.newBuilder().setPid(TASK_PID).setExitStatus(task.exitStatus).setExitedAt(timestamp(exitedAt)).build();
    }

    @Override
    public ConnectResponse connect(ConnectRequest request) {
        return ConnectResponse.newBuilder().setShimPid((int) ProcessHandle.current().pid())
                .setTaskPid(tasks.containsKey(request.getId()) ? TASK_PID : 0).setVersion("jtoy").build();
    }

    @Override
    public Empty shutdown(ShutdownRequest request) {
        if (request.getNow() || tasks.isEmpty()) {
            LOG.atInfo().addKeyValue("marker", marker).log("toy shim shutting down");
            shutdown.shutdown();
        }
        return Empty.getDefaultInstance();
    }

    private ToyTask task(String id, String execId) {
        if (!execId.isEmpty()) {
            throw io.jshim.ttrpc.Status.NOT_FOUND.withDescription("exec " + execId + " of task " + id
                    + ": the toy shim runs no execs").asException();
        }
        ToyTask task = tasks.get(id);
        if (task == null) {
            throw io.jshim.ttrpc.Status.NOT_FOUND.withDescription("task " + id + " not found").asException();
        }
        return task;
    }

    private static Timestamp timestamp(Instant instant) {
        return Timestamp.newBuilder().setSeconds(instant.getEpochSecond()).setNanos(instant.getNano()).build();
    }
}
