package io.jshim.plugin.taskrunc.container;

import io.jshim.plugin.taskrunc.error.TaskException;
import io.jshim.plugin.taskrunc.process.ContainerProcess;
import io.jshim.plugin.taskrunc.process.ExecProcess;
import io.jshim.plugin.taskrunc.process.InitProcess;
import io.jshim.plugin.taskrunc.stdio.IoOwner;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;

/**
 * One container of the shim: its init process and its exec'd processes by exec id.
 * {@code this} guards {@link #execs}.
 */
public final class Container {
    private final String id;
    private final Path bundle;
    private final InitProcess init;
    private final BundleSpec spec;
    private final IoOwner ioOwner;
    /** Guarded by {@code this}. */
    private final Map<String, ExecProcess> execs = new LinkedHashMap<>();

    public Container(String id, Path bundle, InitProcess init, BundleSpec spec, IoOwner ioOwner) {
        this.id = Objects.requireNonNull(id, "id is null");
        this.bundle = Objects.requireNonNull(bundle, "bundle is null");
        this.init = Objects.requireNonNull(init, "init is null");
        this.spec = Objects.requireNonNull(spec, "spec is null");
        this.ioOwner = Objects.requireNonNull(ioOwner, "ioOwner is null");
    }

    public String id() {
        return id;
    }

    public Path bundle() {
        return bundle;
    }

    public InitProcess init() {
        return init;
    }

    /** What the shim needs from the bundle's config.json. */
    public BundleSpec spec() {
        return spec;
    }

    /** The owner of the stdio pipes of every process of the container ({@code io_uid}/{@code io_gid}). */
    public IoOwner ioOwner() {
        return ioOwner;
    }

    /**
     * The init process for an empty {@code execId}, else the exec'd process.
     *
     * @throws TaskException.NotFound when there is no such exec
     */
    public ContainerProcess process(String execId) {
        if (execId == null || execId.isEmpty()) {
            return init;
        }
        synchronized (this) {
            ExecProcess p = execs.get(execId);
            if (p == null) {
                throw new TaskException.NotFound("process " + execId + " does not exist");
            }
            return p;
        }
    }

    /**
     * Adds an exec'd process.
     *
     * @throws TaskException.AlreadyExists when {@code execId} is taken
     */
    public synchronized void addExec(ExecProcess exec) {
        if (execs.containsKey(exec.id())) {
            throw new TaskException.AlreadyExists("id " + exec.id() + ": already exists");
        }
        execs.put(exec.id(), exec);
    }

    /** Whether an exec with this id exists. */
    public synchronized boolean hasExec(String execId) {
        return execs.containsKey(execId);
    }

    /** Removes an exec'd process after its deletion. */
    public synchronized void removeExec(String execId) {
        execs.remove(execId);
    }

    /** A snapshot of the exec'd processes. */
    public synchronized List<ExecProcess> execs() {
        return new ArrayList<>(execs.values());
    }
}
