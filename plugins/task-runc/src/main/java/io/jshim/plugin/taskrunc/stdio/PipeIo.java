package io.jshim.plugin.taskrunc.stdio;

import io.jshim.plugin.taskrunc.runc.CommandRunner.ChildStdio;
import io.jshim.posix.Posix;
import io.jshim.posix.PosixException;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;

/**
 * Pipe-based stdio (the Go shim's {@code pipeIO}): the process writes into pipes, the shim copies from them to
 * the client's destinations and from the client's stdin into the process's stdin pipe. Destination fds
 * (FIFOs opened read-write so neither side blocks, log files) are opened by {@link StdioFactory}.
 * Fields are set once at construction and by {@link #close()} (guarded by {@link #closed}).
 */
final class PipeIo implements ProcessIo {
    private final Posix posix;
    private final String name;
    private final int childStdin;
    private final int childStdout;
    private final int childStderr;
    private final int stdinWriter;
    /** Fds still to close; an fd leaves the set exactly once, so that a reused fd number is never closed. */
    private final java.util.Set<Integer> ownedFds = java.util.concurrent.ConcurrentHashMap.newKeySet();
    /** Output destinations by fd and how many copies still write to each (stdout and stderr may share a file). */
    private final java.util.Map<Integer, java.util.concurrent.atomic.AtomicInteger> writers =
            new java.util.concurrent.ConcurrentHashMap<>();
    private final List<FdCopy> copies;
    private final CountDownLatch outputDone;
    private final AtomicBoolean stdinClosed = new AtomicBoolean();
    private final AtomicBoolean childEndsClosed = new AtomicBoolean();
    private final AtomicBoolean closed = new AtomicBoolean();

    /**
     * @param stdin   pipe for stdin and the source fd to copy into it (client FIFO), or null
     * @param stdout  pipe for stdout and the destination fd, or null
     * @param stderr  pipe for stderr and the destination fd, or null
     * @param extraFds other fds to close with this IO (e.g. destination fds)
     */
    PipeIo(Posix posix, String name, Stream stdin, Stream stdout, Stream stderr, List<Integer> extraFds) {
        this.posix = posix;
        this.name = name;
        this.childStdin = stdin == null ? -1 : stdin.pipe().readFd();
        this.stdinWriter = stdin == null ? -1 : stdin.pipe().writeFd();
        this.childStdout = stdout == null ? -1 : stdout.pipe().writeFd();
        this.childStderr = stderr == null ? -1 : stderr.pipe().writeFd();
        this.ownedFds.addAll(extraFds);
        int outputs = (stdout == null ? 0 : 1) + (stderr == null ? 0 : 1);
        this.outputDone = new CountDownLatch(outputs);
        this.copies = new ArrayList<>();
        if (stdout != null) {
            ownedFds.add(stdout.pipe().readFd());
            if (stdout.peer() >= 0) {
                writers.computeIfAbsent(stdout.peer(), fd -> new java.util.concurrent.atomic.AtomicInteger()).incrementAndGet();
                copies.add(new FdCopy(posix, name + "-stdout", stdout.pipe().readFd(), stdout.peer(), null,
                        outputDone, () -> outputEnded(stdout.peer())));
            }
        }
        if (stderr != null) {
            ownedFds.add(stderr.pipe().readFd());
            if (stderr.peer() >= 0) {
                writers.computeIfAbsent(stderr.peer(), fd -> new java.util.concurrent.atomic.AtomicInteger()).incrementAndGet();
                copies.add(new FdCopy(posix, name + "-stderr", stderr.pipe().readFd(), stderr.peer(), null,
                        outputDone, () -> outputEnded(stderr.peer())));
            }
        }
        if (stdin != null && stdin.peer() >= 0) {
            copies.add(new FdCopy(posix, name + "-stdin", stdin.peer(), stdinWriter, stdinClosed::get, null,
                    this::closeStdin));
        }
        long readersWithoutCopy = (stdout != null && stdout.peer() < 0 ? 1 : 0)
                + (stderr != null && stderr.peer() < 0 ? 1 : 0);
        for (long i = 0; i < readersWithoutCopy; i++) {
            outputDone.countDown();
        }
        copies.forEach(FdCopy::start);
    }

    /** One stream: its pipe and the fd on the shim's side to copy to/from ({@code -1}: someone else reads). */
    record Stream(io.jshim.posix.PipeFds pipe, int peer) {
    }

    /**
     * Closes an output destination once the last copy into it ended, as the Go shim closes its FIFO ends after
     * copying: a client reading the FIFO (CRI's exec) sees EOF when the process's output is complete.
     */
    private void outputEnded(int destination) {
        java.util.concurrent.atomic.AtomicInteger left = writers.get(destination);
        if (left != null && left.decrementAndGet() == 0) {
            closeOwned(destination);
        }
    }

    private void closeOwned(int fd) {
        if (ownedFds.remove(fd)) {
            closeQuietly(fd);
        }
    }

    @Override
    public ChildStdio childStdio() {
        return new ChildStdio(childStdin, childStdout, childStderr);
    }

    @Override
    public void childStarted() {
        if (childEndsClosed.compareAndSet(false, true)) {
            closeQuietly(childStdin);
            closeQuietly(childStdout);
            closeQuietly(childStderr);
        }
    }

    @Override
    public boolean awaitOutputCopied(Duration timeout) throws InterruptedException {
        return outputDone.await(timeout.toMillis(), TimeUnit.MILLISECONDS);
    }

    @Override
    public void closeStdin() {
        if (stdinWriter >= 0 && stdinClosed.compareAndSet(false, true)) {
            closeQuietly(stdinWriter);
        }
    }

    @Override
    public void close() {
        if (closed.compareAndSet(false, true)) {
            childStarted();
            closeStdin();
            List.copyOf(ownedFds).forEach(this::closeOwned);
        }
    }

    @Override
    public String toString() {
        return "PipeIo[" + name + "]";
    }

    private void closeQuietly(int fd) {
        if (fd < 0) {
            return;
        }
        try {
            posix.close(fd);
        } catch (PosixException ignored) {
            // already closed
        }
    }
}
