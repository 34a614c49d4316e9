package io.jshim.plugin.taskrunc.service;

import io.jshim.api.types.Mount;
import io.jshim.framework.DeleteRecord;
import io.jshim.framework.ShimManager;
import io.jshim.framework.plugin.ShutdownService;
import io.jshim.plugin.taskrunc.Identifiers;
import io.jshim.plugin.taskrunc.container.Container;
import io.jshim.plugin.taskrunc.container.ContainerFactory;
import io.jshim.plugin.taskrunc.container.CreateRequest;
import io.jshim.plugin.taskrunc.error.TaskException;
import io.jshim.plugin.taskrunc.process.ConsoleSockets;
import io.jshim.plugin.taskrunc.process.ContainerProcess;
import io.jshim.plugin.taskrunc.process.Exit;
import io.jshim.plugin.taskrunc.process.ExecProcess;
import io.jshim.plugin.taskrunc.process.ExitTracker;
import io.jshim.plugin.taskrunc.process.InitProcess;
import io.jshim.plugin.taskrunc.runc.CheckpointOptions;
import io.jshim.plugin.taskrunc.stdio.StdioFactory;
import io.jshim.plugin.taskrunc.stdio.StdioPaths;
import io.jshim.posix.Posix;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.io.IOException;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.function.Consumer;

/**
 * The task domain of the shim: the containers it serves, the life cycle calls on them, exits and events.
 * The TTRPC services translate requests to these calls. {@code this} guards {@link #containers}.
 */
public final class RuncTasks {
    private static final Logger LOG = LoggerFactory.getLogger(RuncTasks.class);

    private final String namespace;
    private final ContainerFactory factory;
    private final StdioFactory stdio;
    private final ExitTracker exits;
    private final TaskEvents events;
    private final ShutdownService shutdown;
    private final Posix posix;
    private final ContainerWatch watch;
    /** Guarded by {@code this}. */
    private final Map<String, Container> containers = new LinkedHashMap<>();

    public RuncTasks(String namespace, ContainerFactory factory, StdioFactory stdio, ExitTracker exits,
                     TaskEvents events, ShutdownService shutdown, Posix posix, ContainerWatch watch) {
        this.namespace = Objects.requireNonNull(namespace, "namespace is null");
        this.factory = Objects.requireNonNull(factory, "factory is null");
        this.stdio = Objects.requireNonNull(stdio, "stdio is null");
        this.exits = Objects.requireNonNull(exits, "exits is null");
        this.events = Objects.requireNonNull(events, "events is null");
        this.shutdown = Objects.requireNonNull(shutdown, "shutdown is null");
        this.posix = Objects.requireNonNull(posix, "posix is null");
        this.watch = Objects.requireNonNull(watch, "watch is null");
    }

    /** Creates a container; returns its init pid (0 when restoring from a checkpoint). */
    public int create(CreateRequest request, List<Mount> rootfsForEvent) {
        Identifiers.validate("container id", request.id());
        synchronized (this) {
            if (containers.containsKey(request.id())) {
                throw new TaskException.AlreadyExists("container " + request.id() + ": already exists");
            }
        }
        try (ExitTracker.Window window = exits.open()) {
            Container c = factory.create(namespace, request);
            synchronized (this) {
                containers.put(c.id(), c);
            }
            watch.created(c);
            int pid = c.init().pid();
            events.created(c.id(), request.bundle().toString(), rootfsForEvent, request.stdio(),
                    request.checkpoint(), pid);
            if (pid > 0) {
                window.started(pid, exit -> onExit(c, c.init(), exit));
            }
            return pid;
        }
    }

    /** Starts the init ({@code execId} empty) or an exec'd process; returns its pid. */
    public int start(String id, String execId) {
        Container c = container(id);
        ContainerProcess p = c.process(execId);
        try (ExitTracker.Window window = exits.open()) {
            if (p instanceof InitProcess init) {
                boolean restoring = init.pid() == 0;
                // the init's exit handler (registered on create) is held: an exit reaped while it starts waits
                // in the window until the start event is out, as the Go shim's preStart/handleStarted
                List<Consumer<Exit>> held = restoring ? List.of() : window.hold(init.pid());
                try {
                    init.start();
                } catch (RuntimeException e) {
                    held.forEach(handler -> window.started(init.pid(), handler));
                    throw e;
                }
                events.started(c.id(), init.pid());
                watch.started(c); // after the start event: the OOM watch publishes only after it
                if (restoring) {
                    window.started(init.pid(), exit -> onExit(c, init, exit));
                } else {
                    held.forEach(handler -> window.started(init.pid(), handler));
                }
            } else {
                ExecProcess exec = (ExecProcess) p;
                exec.start(stdio.open(namespace, c.id(), exec.id(), exec.stdio(), c.ioOwner()));
                events.execStarted(c.id(), exec.id(), exec.pid());
                window.started(exec.pid(), exit -> onExit(c, exec, exit));
            }
            return p.pid();
        }
    }

    /** Adds an exec'd process described by an OCI process JSON; it runs on {@link #start}. */
    public void exec(String id, String execId, byte[] specJson, StdioPaths paths) {
        Identifiers.validate("exec id", execId);
        Container c = container(id);
        if (c.hasExec(execId)) {
            throw new TaskException.AlreadyExists("id " + execId + ": already exists");
        }
        ExecProcess exec = new ExecProcess(execId, c.init(), specJson, paths,
                new ConsoleSockets(posix, c.bundle()), posix);
        c.addExec(exec);
        events.execAdded(c.id(), execId);
    }

    /** Deletes a process; deleting init removes the container. Returns the deleted process. */
    public ContainerProcess delete(String id, String execId) {
        Container c = container(id);
        ContainerProcess p = c.process(execId);
        p.delete();
        if (p instanceof ExecProcess) {
            c.removeExec(p.id());
            return p;
        }
        synchronized (this) {
            containers.remove(id);
        }
        watch.removed(c);
        Exit exit = p.exit();
        int status = exit == null ? 0 : exit.status();
        Instant at = exit == null ? Instant.now() : exit.at();
        recordDeleted(c, p.pid(), status, at);
        events.deleted(c.id(), p.pid(), status, at);
        return p;
    }

    /**
     * Tells the shim binary's {@code delete} action, which containerd runs after the shim disconnects, that this
     * container is gone (runc state deleted, rootfs unmounted): it answers from the record instead of cleaning
     * up again. Best effort: without the record, {@code delete} cleans up the slow way.
     */
    private static void recordDeleted(Container c, int pid, int status, Instant at) {
        try {
            DeleteRecord.write(c.bundle(), new ShimManager.StopStatus(pid, status, at));
        } catch (IOException | RuntimeException e) {
            LOG.atWarn().addKeyValue("id", c.id()).addKeyValue("bundle", c.bundle()).addKeyValue("error", e.toString())
                    .log("failed to record the deleted container for the delete action");
        }
    }

    /** The process, for State. */
    public ContainerProcess process(String id, String execId) {
        return container(id).process(execId);
    }

    /** Signals a process (all processes of the container with {@code all}). */
    public void kill(String id, String execId, int signal, boolean all) {
        container(id).process(execId).kill(signal, all);
    }

    /** Blocks until the process exits. */
    public Exit await(String id, String execId) throws InterruptedException {
        return container(id).process(execId).awaitExit();
    }

    public void pause(String id) {
        container(id).init().pause();
        events.paused(id);
    }

    public void resume(String id) {
        container(id).init().resume();
        events.resumed(id);
    }

    public void update(String id, byte[] resourcesJson) {
        container(id).init().update(resourcesJson);
    }

    public void checkpoint(String id, CheckpointOptions options) {
        container(id).init().checkpoint(options);
        events.checkpointed(id, options.imagePath().toString());
    }

    public void closeStdin(String id, String execId) {
        container(id).process(execId).closeStdin();
    }

    public void resizePty(String id, String execId, int width, int height) {
        container(id).process(execId).resizePty(width, height);
    }

    /** The pids in the container, and the exec'd processes among them by pid. */
    public List<Integer> pids(String id) {
        return container(id).init().pids();
    }

    /** The container's exec'd processes. */
    public List<ExecProcess> execs(String id) {
        return container(id).execs();
    }

    /** The container's init pid, or 0 when there is no such container. */
    public int initPid(String id) {
        synchronized (this) {
            Container c = containers.get(id);
            return c == null ? 0 : c.init().pid();
        }
    }

    /** The container (for stats). */
    public Container container(String id) {
        synchronized (this) {
            Container c = containers.get(id);
            if (c == null) {
                throw new TaskException.NotFound("container " + id + " not created");
            }
            return c;
        }
    }

    /** Shuts the shim down unless it still serves containers. */
    public void shutdown() {
        synchronized (this) {
            if (!containers.isEmpty()) {
                return;
            }
        }
        shutdown.shutdown();
    }

    /** Handles a reaped exit on a virtual thread: output is drained before the exit event. */
    private void onExit(Container c, ContainerProcess p, Exit exit) {
        Thread.ofVirtual().name("exit-" + c.id() + "-" + p.id()).start(() -> handleExit(c, p, exit));
    }

    private void handleExit(Container c, ContainerProcess p, Exit exit) {
        watch.exiting(c); // an OOM kill that caused this exit is published before it, on every cgroup version
        if (p instanceof InitProcess init) {
            if (!c.spec().ownPidNamespace()) {
                try {
                    init.killAll();
                } catch (TaskException e) {
                    LOG.debug("kill all after init exit container={} error={}", c.id(), e.getMessage());
                }
            }
            for (ExecProcess exec : c.execs()) {
                if (exec.pid() > 0 && exec.exit() == null) {
                    try {
                        exec.kill(9, false);
                    } catch (TaskException e) {
                        LOG.debug("kill exec after init exit container={} exec={} error={}", c.id(), exec.id(),
                                e.getMessage());
                    }
                }
            }
        }
        if (p.exited(exit)) {
            events.exited(c.id(), p.id(), exit);
        }
    }
}
