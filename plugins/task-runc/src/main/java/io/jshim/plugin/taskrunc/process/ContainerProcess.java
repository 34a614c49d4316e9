package io.jshim.plugin.taskrunc.process;

import io.jshim.plugin.taskrunc.error.TaskException;
import io.jshim.plugin.taskrunc.stdio.ProcessIo;
import io.jshim.plugin.taskrunc.stdio.StdioPaths;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.locks.ReentrantLock;

/**
 * What init and exec processes share: identity, stdio, the state machine, the exit and waiting for it.
 * {@link #lock} guards the state machine and the runc calls that change it; the exit is published through
 * {@link #exitLatch} so that waiting never takes the lock.
 */
public abstract sealed class ContainerProcess permits InitProcess, ExecProcess {
    private static final Logger LOG = LoggerFactory.getLogger(ContainerProcess.class);
    /** How long an exit waits for the process's output to be copied before it is reported anyway. */
    static final Duration OUTPUT_DRAIN_TIMEOUT = Duration.ofSeconds(5);
    /** Go's {@code time.Time{}}: what the Go shim reports as the exit time of a process that never ran. */
    static final java.time.Instant NEVER_STARTED_AT = java.time.Instant.parse("0001-01-01T00:00:00Z");

    protected final ReentrantLock lock = new ReentrantLock();
    private final String id;
    private final StdioPaths stdio;
    /** Guarded by {@link #lock}. */
    protected final Lifecycle lifecycle;
    /** Set by the subclass once runc reported it (under {@link #lock}); read without it. */
    private volatile int pid;
    /** Written once before {@link #exitLatch} counts down. */
    private volatile Exit exit;
    private final CountDownLatch exitLatch = new CountDownLatch(1);
    /** Replaced once at create/start; closed on delete. */
    protected volatile ProcessIo io = ProcessIo.NULL;

    ContainerProcess(String id, StdioPaths stdio, Lifecycle lifecycle) {
        this.id = id;
        this.stdio = stdio;
        this.lifecycle = lifecycle;
    }

    /** The process id: the container id for init, the exec id otherwise. */
    public String id() {
        return id;
    }

    /** The OS pid, 0 before the process was created. */
    public int pid() {
        return pid;
    }

    protected void pid(int pid) {
        this.pid = pid;
    }

    /** The stdio the client asked for. */
    public StdioPaths stdio() {
        return stdio;
    }

    /** The current status. */
    public ProcessStatus status() {
        lock.lock();
        try {
            return lifecycle.status();
        } finally {
            lock.unlock();
        }
    }

    /** The exit, or null while the process has not exited. */
    public Exit exit() {
        return exit;
    }

    /** Blocks until the process exited and returns its exit. */
    public Exit awaitExit() throws InterruptedException {
        exitLatch.await();
        return exit;
    }

    /**
     * Records the exit reported by the reaper after the process's output was copied out (bounded by
     * {@link #OUTPUT_DRAIN_TIMEOUT}), so that a client reading the FIFOs sees everything before the exit event.
     *
     * @return false when the exit had been recorded before
     */
    public boolean exited(Exit e) {
        try {
            if (!io.awaitOutputCopied(OUTPUT_DRAIN_TIMEOUT)) {
                LOG.warn("output not fully copied before exit process={} pid={}", id, e.pid());
            }
        } catch (InterruptedException ie) {
            Thread.currentThread().interrupt();
        }
        lock.lock();
        try {
            if (!lifecycle.exited()) {
                return false;
            }
            exit = e;
        } finally {
            lock.unlock();
        }
        exitLatch.countDown();
        return true;
    }

    /**
     * Releases the waiters of a process whose start failed, as the Go shim closes its {@code waitBlock}: Wait
     * answers exit status 0 at Go's zero time, and no exit event is published. Call with {@link #lock} held.
     */
    protected void startFailed() {
        if (exit == null) {
            exit = new Exit(0, 0, NEVER_STARTED_AT);
            exitLatch.countDown();
        }
    }

    /** Closes the process's stdin (CloseIO). */
    public void closeStdin() {
        io.closeStdin();
    }

    /** Resizes the process's terminal. */
    public void resizePty(int width, int height) {
        lock.lock();
        try {
            lifecycle.require(Operation.RESIZE);
            io.resizePty(width, height);
        } finally {
            lock.unlock();
        }
    }

    /** Sends {@code signal} to the process (all processes of the container when {@code all}, init only). */
    public abstract void kill(int signal, boolean all);

    /** Removes the process; it must have exited or never started. */
    public abstract void delete();

    static int readPidFile(Path pidFile) {
        try {
            return Integer.parseInt(Files.readString(pidFile).strip());
        } catch (IOException | NumberFormatException e) {
            throw new TaskException.Unknown("failed to read pid file " + pidFile + ": " + e.getMessage(), e);
        }
    }
}
