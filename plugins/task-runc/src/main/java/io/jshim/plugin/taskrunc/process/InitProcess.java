package io.jshim.plugin.taskrunc.process;

import io.jshim.plugin.taskrunc.runc.CheckpointOptions;
import io.jshim.plugin.taskrunc.runc.Runc;
import io.jshim.plugin.taskrunc.runc.RuncException;
import io.jshim.plugin.taskrunc.stdio.ProcessIo;
import io.jshim.plugin.taskrunc.stdio.StdioPaths;

import java.nio.file.Path;
import java.util.List;
import java.util.Objects;

/**
 * The init process of a container (the Go shim's {@code process.Init}): created with {@code runc create} (or
 * restored from a checkpoint on start), started with {@code runc start}; pause, resume, update, checkpoint
 * and kill act on the whole container.
 */
public final class InitProcess extends ContainerProcess {
    private final Runc runc;
    private final Path bundle;
    private final ConsoleSockets consoles;
    private final boolean noPivot;
    private final boolean noNewKeyring;
    /** Restore options when created from a checkpoint, else null. */
    private final CheckpointOptions restore;
    /** Undoes the rootfs mounts; run once on delete. */
    private final Runnable unmountRootfs;

    /**
     * @param restore       options of {@code runc restore} when the task is created from a checkpoint, else null
     * @param unmountRootfs undoes what was mounted into {@code BUNDLE/rootfs}
     */
    public InitProcess(String id, Path bundle, StdioPaths stdio, Runc runc, ConsoleSockets consoles,
                       boolean noPivot, boolean noNewKeyring, CheckpointOptions restore, Runnable unmountRootfs) {
        super(id, stdio, new Lifecycle(true, restore == null ? ProcessStatus.CREATED
                : ProcessStatus.CREATED_CHECKPOINT));
        this.runc = Objects.requireNonNull(runc, "runc is null");
        this.bundle = Objects.requireNonNull(bundle, "bundle is null");
        this.consoles = Objects.requireNonNull(consoles, "consoles is null");
        this.noPivot = noPivot;
        this.noNewKeyring = noNewKeyring;
        this.restore = restore;
        this.unmountRootfs = Objects.requireNonNull(unmountRootfs, "unmountRootfs is null");
    }

    /** The runtime running this container. */
    public Runc runc() {
        return runc;
    }

    /** The bundle directory. */
    public Path bundle() {
        return bundle;
    }

    private Path pidFile() {
        return bundle.resolve("init.pid");
    }

    /**
     * {@code runc create} with {@code processIo} (unless restoring from a checkpoint, which happens on
     * {@link #start()}); the process is then in state created with its pid known.
     */
    public void create(ProcessIo processIo) {
        lock.lock();
        try {
            this.io = processIo;
            if (restore != null) {
                return;
            }
            try (ConsoleSockets.Console console = consoles.open(stdio().terminal())) {
                runc.create(id(), bundle, pidFile(), console.path(), noPivot, noNewKeyring, processIo.childStdio());
                console.attachTo(processIo);
            } catch (RuncException e) {
                throw RuntimeErrors.runtime(runc, e, "OCI runtime create failed");
            }
            processIo.childStarted();
            pid(readPidFile(pidFile()));
        } finally {
            lock.unlock();
        }
    }

    /** Starts the user process ({@code runc start}, or {@code runc restore} for a checkpointed task). */
    public void start() {
        lock.lock();
        try {
            lifecycle.require(Operation.START);
            if (lifecycle.status() == ProcessStatus.CREATED_CHECKPOINT) {
                try (ConsoleSockets.Console console = consoles.open(stdio().terminal())) {
                    runc.restore(id(), bundle, pidFile(), console.path(), noPivot, restore, io.childStdio());
                    console.attachTo(io);
                } catch (RuncException e) {
                    throw RuntimeErrors.runtime(runc, e, "OCI runtime restore failed");
                }
                io.childStarted();
                pid(readPidFile(pidFile()));
            } else {
                try {
                    runc.start(id());
                } catch (RuncException e) {
                    throw RuntimeErrors.runtime(runc, e, "OCI runtime start failed");
                }
            }
            lifecycle.moveTo(ProcessStatus.RUNNING);
        } finally {
            lock.unlock();
        }
    }

    @Override
    public void kill(int signal, boolean all) {
        lock.lock();
        try {
            lifecycle.require(Operation.KILL);
            runc.kill(id(), signal, all);
        } catch (RuncException e) {
            throw RuntimeErrors.kill(runc, e);
        } finally {
            lock.unlock();
        }
    }

    /** {@code runc kill --all SIGKILL}, used when init exits in a container sharing the host pid namespace. */
    public void killAll() {
        try {
            runc.kill(id(), 9, true);
        } catch (RuncException e) {
            throw RuntimeErrors.kill(runc, e);
        }
    }

    @Override
    public void delete() {
        lock.lock();
        try {
            lifecycle.require(Operation.DELETE);
            try {
                runc.delete(id(), false);
            } catch (RuncException e) {
                String text = e.getMessage() + " " + runc.lastError();
                if (!text.contains("does not exist") && !text.contains("not found")) {
                    throw RuntimeErrors.runtime(runc, e, "failed to delete task");
                }
            }
            io.close();
            unmountRootfs.run();
            lifecycle.moveTo(ProcessStatus.DELETED);
        } finally {
            lock.unlock();
        }
    }

    /** Freezes the container. */
    public void pause() {
        runcTransition(Operation.PAUSE, ProcessStatus.PAUSED, "OCI runtime pause failed", runc::pause);
    }

    /** Thaws the container. */
    public void resume() {
        runcTransition(Operation.RESUME, ProcessStatus.RUNNING, "OCI runtime resume failed", runc::resume);
    }

    /** {@code runc update} with the OCI LinuxResources JSON. */
    public void update(byte[] resourcesJson) {
        lock.lock();
        try {
            lifecycle.require(Operation.UPDATE);
            runc.update(id(), resourcesJson);
        } catch (RuncException e) {
            throw RuntimeErrors.runtime(runc, e, "OCI runtime update failed");
        } finally {
            lock.unlock();
        }
    }

    /** {@code runc checkpoint}. */
    public void checkpoint(CheckpointOptions options) {
        lock.lock();
        try {
            lifecycle.require(Operation.CHECKPOINT);
            runc.checkpoint(id(), options);
        } catch (RuncException e) {
            throw RuntimeErrors.runtime(runc, e, "OCI runtime checkpoint failed");
        } finally {
            lock.unlock();
        }
    }

    /** The pids of every process of the container. */
    public List<Integer> pids() {
        try {
            return runc.ps(id());
        } catch (RuncException e) {
            throw RuntimeErrors.runtime(runc, e, "failed to list processes of container " + id());
        }
    }

    /** Throws unless exec is allowed now (a running or created container). */
    void requireExec() {
        lock.lock();
        try {
            lifecycle.require(Operation.EXEC);
        } finally {
            lock.unlock();
        }
    }

    private interface RuncCall {
        void run(String id) throws RuncException;
    }

    private void runcTransition(Operation op, ProcessStatus next, String failure, RuncCall call) {
        lock.lock();
        try {
            lifecycle.require(op);
            try {
                call.run(id());
            } catch (RuncException e) {
                throw RuntimeErrors.runtime(runc, e, failure);
            }
            lifecycle.moveTo(next);
        } finally {
            lock.unlock();
        }
    }

    @Override
    public String toString() {
        return "InitProcess[" + id() + " pid=" + pid() + "]";
    }
}
