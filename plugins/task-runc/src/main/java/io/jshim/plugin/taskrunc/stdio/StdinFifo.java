package io.jshim.plugin.taskrunc.stdio;

import io.jshim.posix.FileCalls;
import io.jshim.posix.Posix;
import io.jshim.posix.PosixException;

import java.nio.file.Path;
import java.util.concurrent.atomic.AtomicBoolean;

/**
 * The client's stdin FIFO as the shim holds it, like the Go shim: a reader that the stdin copy drains, and the
 * shim's own writer ({@code p.stdin} in Go), which keeps the FIFO from reporting EOF while the client opens,
 * closes or reopens its end. CloseIO closes only that writer: the copy then reads everything the client wrote and
 * sees EOF once the client's end is closed too, and only then closes the process's stdin.
 * <p>
 * The reader is opened first, so that the writer's open afterwards makes {@code poll(2)} report POLLHUP on the
 * reader once the last writer is gone. The reader belongs to the copy thread, which closes it at its end
 * ({@link #closeReader}); the writer is never read or written, only closed, once.
 */
final class StdinFifo {
    private final Posix posix;
    private final int reader;
    private final int writer;
    private final AtomicBoolean writerClosed = new AtomicBoolean();
    private final AtomicBoolean readerClosed = new AtomicBoolean();

    private StdinFifo(Posix posix, int reader, int writer) {
        this.posix = posix;
        this.reader = reader;
        this.writer = writer;
    }

    /**
     * Opens both ends of the FIFO at {@code path} without blocking: the reader non-blocking (then switched to
     * blocking reads), the writer non-blocking (it cannot fail with ENXIO, the reader exists).
     *
     * @throws PosixException when either open fails; nothing is left open then
     */
    static StdinFifo open(Posix posix, Path path) {
        int reader = posix.open(path, FileCalls.O_RDONLY | FileCalls.O_NONBLOCK | FileCalls.O_CLOEXEC, 0);
        try {
            posix.setNonBlocking(reader, false);
            int writer = posix.open(path, FileCalls.O_WRONLY | FileCalls.O_NONBLOCK | FileCalls.O_CLOEXEC, 0);
            return new StdinFifo(posix, reader, writer);
        } catch (PosixException e) {
            closeQuietly(posix, reader);
            throw e;
        }
    }

    /** The fd the stdin copy reads (blocking reads). */
    int reader() {
        return reader;
    }

    /** The shim's own writer, only for closing it when the IO around it fails to open. */
    int writer() {
        return writer;
    }

    /** Closes the shim's own writer (CloseIO): the reader sees EOF once the client closed its end too. Once. */
    void closeWriter() {
        if (writerClosed.compareAndSet(false, true)) {
            closeQuietly(posix, writer);
        }
    }

    /** Closes the reader; called by the copy thread when it ends, or when no copy ever started. Once. */
    void closeReader() {
        if (readerClosed.compareAndSet(false, true)) {
            closeQuietly(posix, reader);
        }
    }

    private static void closeQuietly(Posix posix, int fd) {
        try {
            posix.close(fd);
        } catch (PosixException ignored) {
            // nothing left to release
        }
    }

    @Override
    public String toString() {
        return "StdinFifo[reader=" + reader + ", writer=" + writer + "]";
    }
}
