package io.jshim.plugin.taskrunc.stdio;

import io.jshim.plugin.taskrunc.runc.CommandRunner.ChildStdio;
import io.jshim.plugin.taskrunc.threads.ReadyThreads;
import io.jshim.posix.Posix;
import io.jshim.posix.PosixException;

import java.time.Duration;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * The stdio of a process with a terminal: runc sends the pty master over the console socket; the shim copies
 * master -&gt; stdout FIFO and stdin FIFO -&gt; master, and resizes it with TIOCSWINSZ.
 * <p>
 * As the Go shim, when the stdin copy ends (CloseIO closed the shim's writer of the stdin FIFO and the client its
 * end, and everything written was copied; or the terminal broke) the console is released: the output copy stops
 * once the master is idle, and the master is closed, which hangs the terminal up (SIGHUP to the process).
 * The master is closed by whoever releases it last (the console itself, each copy, a resize in progress), so no
 * thread ever uses a closed, possibly reused, fd number. {@link #attachConsole} is called at most once.
 */
final class TerminalIo implements ProcessIo {
    private final Posix posix;
    private final ReadyThreads threads;
    private final String name;
    private final StdinFifo stdin;
    private final int stdoutFifo;
    private final CountDownLatch outputDone = new CountDownLatch(1);
    /** Set once the console was released: the output copy stops when the master is idle. */
    private final AtomicBoolean hungUp = new AtomicBoolean();
    /** Set by {@link #close()}: the stdin copy stops once the FIFO is idle. */
    private final AtomicBoolean closed = new AtomicBoolean();
    /** Holders of the master: the console until hung up, each running copy, each resize in progress. */
    private final AtomicInteger masterHolders = new AtomicInteger();
    /** The pty master; written once by attachConsole, before the copies start. */
    private volatile int master = -1;

    /**
     * @param threads    where the copies run
     * @param stdin      the client's stdin FIFO, or null
     * @param stdoutFifo the client's stdout FIFO ({@code -1}: none)
     */
    TerminalIo(Posix posix, ReadyThreads threads, String name, StdinFifo stdin, int stdoutFifo) {
        this.posix = posix;
        this.threads = threads;
        this.name = name;
        this.stdin = stdin;
        this.stdoutFifo = stdoutFifo;
    }

    /** Takes ownership of the pty master and starts copying. */
    @Override
    public void attachConsole(int masterFd) {
        this.master = masterFd;
        // published after the fd: a resize that finds holders finds the fd
        masterHolders.set(1 + (stdoutFifo >= 0 ? 1 : 0) + (stdin != null ? 1 : 0));
        if (stdoutFifo >= 0) {
            // like the Go shim, the stdout FIFO is closed once the console's output is copied: readers see EOF
            new FdCopy(posix, name + "-console-out", masterFd, stdoutFifo, hungUp::get, outputDone, () -> {
                closeQuietly(stdoutFifo);
                releaseMaster();
            }).start(threads);
        } else {
            outputDone.countDown();
        }
        if (stdin != null) {
            new FdCopy(posix, name + "-console-in", stdin.reader(), masterFd, closed::get, null, () -> {
                stdin.closeReader();
                hangUp();
                releaseMaster();
            }).start(threads);
        }
    }

    /** Resizes the terminal; a no-op before it is attached or after it was hung up (Go answers OK). */
    @Override
    public void resizePty(int width, int height) {
        if (!acquireMaster()) {
            return;
        }
        try {
            posix.setWindowSize(master, height, width);
        } finally {
            releaseMaster();
        }
    }

    @Override
    public ChildStdio childStdio() {
        return new ChildStdio(-1, -1, -1);
    }

    @Override
    public void childStarted() {
    }

    @Override
    public boolean awaitOutputCopied(Duration timeout) throws InterruptedException {
        return master < 0 || outputDone.await(timeout.toMillis(), TimeUnit.MILLISECONDS);
    }

    /** CloseIO: closes the shim's writer of the stdin FIFO; the copy drains it, then the console is released. */
    @Override
    public void closeStdin() {
        if (stdin != null) {
            stdin.closeWriter();
        }
    }

    @Override
    public void close() {
        if (!closed.compareAndSet(false, true)) {
            return;
        }
        closeStdin();
        if (master < 0) {
            // never attached: no copy owns anything
            if (stdin != null) {
                stdin.closeReader();
            }
            if (stdoutFifo >= 0) {
                closeQuietly(stdoutFifo);
            }
            return;
        }
        hangUp();
    }

    /** Releases the console's own hold on the master, once; the copies stop when idle. */
    private void hangUp() {
        if (hungUp.compareAndSet(false, true)) {
            releaseMaster();
        }
    }

    private boolean acquireMaster() {
        while (true) {
            int holders = masterHolders.get();
            if (holders == 0) {
                return false;
            }
            if (masterHolders.compareAndSet(holders, holders + 1)) {
                return true;
            }
        }
    }

    private void releaseMaster() {
        if (masterHolders.decrementAndGet() == 0) {
            closeQuietly(master);
        }
    }

    private void closeQuietly(int fd) {
        try {
            posix.close(fd);
        } catch (PosixException ignored) {
            // already closed
        }
    }

    @Override
    public String toString() {
        return "TerminalIo[" + name + "]";
    }
}
