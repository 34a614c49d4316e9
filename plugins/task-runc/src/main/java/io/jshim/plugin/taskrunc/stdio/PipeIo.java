package io.jshim.plugin.taskrunc.stdio;

import io.jshim.plugin.taskrunc.runc.CommandRunner.ChildStdio;
import io.jshim.plugin.taskrunc.threads.ReadyThreads;
import io.jshim.posix.PipeFds;
import io.jshim.posix.Posix;
import io.jshim.posix.PosixException;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * Pipe-based stdio (the Go shim's {@code pipeIO}): the process writes into pipes, the shim copies from them to
 * the client's destinations and from the client's stdin FIFO into the process's stdin pipe. Destination fds
 * (FIFOs opened read-write so neither side blocks, log files) are opened by {@link StdioFactory}.
 * <p>
 * Every fd a copy reads or writes belongs to that copy, which closes it when it ends: no other thread closes
 * an fd number a copy may still use (a reused number would receive the copy's bytes). The stdin copy ends at
 * EOF of the FIFO (CloseIO closed the shim's writer and the client closed its end: everything written was
 * copied), when the process stops reading (EPIPE), or when this IO is closed and the FIFO is idle; it then
 * closes the process's stdin. An output copy ends at EOF of the process's pipe and then closes its pipe end and,
 * after the last copy into it, the destination. Fields are set at construction; the flags say what ran once.
 */
final class PipeIo implements ProcessIo {
    private final Posix posix;
    private final String name;
    private final int childStdin;
    private final int childStdout;
    private final int childStderr;
    private final StdinFifo stdinFifo;
    /** Output destinations by fd and how many copies still write to each (stdout and stderr may share a file). */
    private final Map<Integer, AtomicInteger> writers = new ConcurrentHashMap<>();
    private final List<FdCopy> copies = new ArrayList<>();
    private final CountDownLatch outputDone;
    private final AtomicBoolean childEndsClosed = new AtomicBoolean();
    /** Set by {@link #close()}: the stdin copy stops once the FIFO is idle. */
    private final AtomicBoolean closed = new AtomicBoolean();

    /**
     * @param threads where the copies run
     * @param stdin   pipe for stdin and the client's FIFO to copy into it, or null
     * @param stdout  pipe for stdout and the destination fd, or null
     * @param stderr  pipe for stderr and the destination fd, or null
     */
    PipeIo(Posix posix, ReadyThreads threads, String name, Input stdin, Stream stdout, Stream stderr) {
        this.posix = posix;
        this.name = name;
        this.childStdin = stdin == null ? -1 : stdin.pipe().readFd();
        this.childStdout = stdout == null ? -1 : stdout.pipe().writeFd();
        this.childStderr = stderr == null ? -1 : stderr.pipe().writeFd();
        this.stdinFifo = stdin == null ? null : stdin.fifo();
        int outputs = (stdout == null ? 0 : 1) + (stderr == null ? 0 : 1);
        this.outputDone = new CountDownLatch(outputs);
        addOutput("stdout", stdout);
        addOutput("stderr", stderr);
        if (stdin != null) {
            int processStdin = stdin.pipe().writeFd();
            copies.add(new FdCopy(posix, name + "-stdin", stdinFifo.reader(), processStdin, closed::get, null,
                    () -> {
                        stdinFifo.closeReader();
                        closeQuietly(processStdin);
                    }));
        }
        copies.forEach(copy -> copy.start(threads));
    }

    private void addOutput(String stream, Stream output) {
        if (output == null) {
            return;
        }
        if (output.peer() < 0) {
            // someone else (a logging binary) reads this pipe
            outputDone.countDown();
            return;
        }
        int source = output.pipe().readFd();
        int destination = output.peer();
        writers.computeIfAbsent(destination, fd -> new AtomicInteger()).incrementAndGet();
        copies.add(new FdCopy(posix, name + "-" + stream, source, destination, null, outputDone, () -> {
            closeQuietly(source);
            outputEnded(destination);
        }));
    }

    /** One output stream: its pipe and the fd on the shim's side to copy to ({@code -1}: someone else reads). */
    record Stream(PipeFds pipe, int peer) {
    }

    /** The stdin stream: the process's pipe and the client's FIFO copied into it. */
    record Input(PipeFds pipe, StdinFifo fifo) {
    }

    /**
     * Closes an output destination once the last copy into it ended, as the Go shim closes its FIFO ends after
     * copying: a client reading the FIFO (CRI's exec) sees EOF when the process's output is complete.
     */
    private void outputEnded(int destination) {
        AtomicInteger left = writers.get(destination);
        if (left != null && left.decrementAndGet() == 0) {
            closeQuietly(destination);
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

    /** CloseIO: closes the shim's writer of the stdin FIFO; the copy drains it, then closes the process's stdin. */
    @Override
    public void closeStdin() {
        if (stdinFifo != null) {
            stdinFifo.closeWriter();
        }
    }

    /**
     * Closes the process's ends the shim still holds and the shim's stdin writer, and lets the stdin copy stop
     * once the FIFO is idle. The copies close their own fds when they end (output copies at EOF of the
     * process's pipes, which every process holding them closes by exiting).
     */
    @Override
    public void close() {
        if (closed.compareAndSet(false, true)) {
            childStarted();
            closeStdin();
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
