package io.jshim.plugin.taskrunc.stdio;

import io.jshim.plugin.taskrunc.runc.CommandRunner.ChildStdio;
import io.jshim.posix.Posix;
import io.jshim.posix.PosixException;

import java.time.Duration;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;

/**
 * The stdio of a process with a terminal: runc sends the pty master over the console socket; the shim copies
 * master -&gt; stdout FIFO and stdin FIFO -&gt; master, and resizes it with TIOCSWINSZ.
 * {@link #attach} is called once, before any other method but {@link #childStdio()}.
 */
final class TerminalIo implements ProcessIo {
    private final Posix posix;
    private final String name;
    private final int stdinFifo;
    private final int stdoutFifo;
    /** Fds still to close; an fd leaves the set exactly once, so that a reused fd number is never closed. */
    private final java.util.Set<Integer> ownedFds = java.util.concurrent.ConcurrentHashMap.newKeySet();
    private final CountDownLatch outputDone = new CountDownLatch(1);
    private final AtomicBoolean stdinClosed = new AtomicBoolean();
    private final AtomicBoolean closed = new AtomicBoolean();
    /** The pty master; written once by attach, before the copies start. */
    private volatile int master = -1;

    TerminalIo(Posix posix, String name, int stdinFifo, int stdoutFifo, List<Integer> ownedFds) {
        this.posix = posix;
        this.name = name;
        this.stdinFifo = stdinFifo;
        this.stdoutFifo = stdoutFifo;
        this.ownedFds.addAll(ownedFds);
    }

    /** Takes ownership of the pty master and starts copying. */
    @Override
    public void attachConsole(int masterFd) {
        this.master = masterFd;
        if (stdoutFifo >= 0) {
            // like the Go shim, the stdout FIFO is closed once the console's output is copied: readers see EOF
            new FdCopy(posix, name + "-console-out", masterFd, stdoutFifo, null, outputDone,
                    () -> closeOwned(stdoutFifo)).start();
        } else {
            outputDone.countDown();
        }
        if (stdinFifo >= 0) {
            new FdCopy(posix, name + "-console-in", stdinFifo, masterFd, stdinClosed::get, null, null).start();
        }
    }

    @Override
    public void resizePty(int width, int height) {
        if (master < 0) {
            throw new IllegalStateException("terminal of " + name + " not attached");
        }
        posix.setWindowSize(master, height, width);
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

    @Override
    public void closeStdin() {
        stdinClosed.set(true);
    }

    @Override
    public void close() {
        if (closed.compareAndSet(false, true)) {
            closeStdin();
            if (master >= 0) {
                closeQuietly(master);
            }
            List.copyOf(ownedFds).forEach(this::closeOwned);
        }
    }

    private void closeOwned(int fd) {
        if (ownedFds.remove(fd)) {
            closeQuietly(fd);
        }
    }

    private void closeQuietly(int fd) {
        try {
            posix.close(fd);
        } catch (PosixException ignored) {
            // already closed
        }
    }
}
