package io.jshim.plugin.taskrunc.process;

import io.jshim.plugin.taskrunc.error.TaskException;
import io.jshim.plugin.taskrunc.runc.RuncException;
import io.jshim.plugin.taskrunc.stdio.ProcessIo;
import io.jshim.plugin.taskrunc.stdio.StdioPaths;
import io.jshim.posix.Errno;
import io.jshim.posix.Posix;
import io.jshim.posix.PosixException;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Objects;

/**
 * An additional process in a container (the Go shim's {@code execProcess}): added by Exec, run with
 * {@code runc exec --detach} on Start, signalled directly with kill(2).
 */
public final class ExecProcess extends ContainerProcess {
    private final InitProcess parent;
    private final byte[] specJson;
    private final ConsoleSockets consoles;
    private final Posix posix;

    /**
     * @param specJson the OCI process spec (JSON) from the Exec request; its {@code terminal} is set from
     *                 {@code stdio}'s, as the Go shim does
     * @throws TaskException.InvalidArgument when the spec is not a JSON object
     */
    public ExecProcess(String execId, InitProcess parent, byte[] specJson, StdioPaths stdio, ConsoleSockets consoles,
                       Posix posix) {
        super(execId, stdio, new Lifecycle(false, ProcessStatus.CREATED));
        this.parent = Objects.requireNonNull(parent, "parent is null");
        this.specJson = ExecSpec.withTerminal(execId, specJson, stdio.terminal());
        this.consoles = Objects.requireNonNull(consoles, "consoles is null");
        this.posix = Objects.requireNonNull(posix, "posix is null");
    }

    private Path pidFile() {
        return parent.bundle().resolve(id() + ".pid");
    }

    /** Runs the process with {@code runc exec --detach} using {@code processIo}. */
    public void start(ProcessIo processIo) {
        lock.lock();
        try {
            lifecycle.require(Operation.START);
            parent.requireExec();
            this.io = processIo;
            try (ConsoleSockets.Console console = consoles.open(stdio().terminal())) {
                parent.runc().exec(parent.id(), specJson, parent.bundle().resolve(".process-" + id() + ".json"),
                        pidFile(), console.path(), processIo.childStdio());
                console.attachTo(processIo);
            } catch (RuncException e) {
                processIo.close();
                startFailed();
                throw RuntimeErrors.runtime(parent.runc(), e, "OCI runtime exec failed");
            }
            processIo.childStarted();
            pid(readPidFile(pidFile()));
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
            if (pid() == 0) {
                throw new TaskException.FailedPrecondition("process " + id() + " not created");
            }
            if (exit() != null) {
                throw new TaskException.NotFound("process already finished");
            }
            posix.kill(pid(), signal);
        } catch (PosixException e) {
            if (e.errno() == Errno.ESRCH) {
                throw new TaskException.NotFound("process already finished");
            }
            throw new TaskException.Unknown("failed to kill process " + id() + ": " + e.getMessage(), e);
        } finally {
            lock.unlock();
        }
    }

    @Override
    public void delete() {
        lock.lock();
        try {
            lifecycle.require(Operation.DELETE);
            io.close();
            try {
                Files.deleteIfExists(pidFile());
            } catch (IOException ignored) {
                // removed with the bundle
            }
            lifecycle.moveTo(ProcessStatus.DELETED);
        } finally {
            lock.unlock();
        }
    }

    @Override
    public String toString() {
        return "ExecProcess[" + parent.id() + "/" + id() + " pid=" + pid() + "]";
    }
}
