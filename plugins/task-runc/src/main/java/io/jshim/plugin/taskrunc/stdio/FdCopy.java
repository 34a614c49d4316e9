package io.jshim.plugin.taskrunc.stdio;

import io.jshim.plugin.taskrunc.threads.ReadyThreads;
import io.jshim.posix.Errno;
import io.jshim.posix.FileCalls;
import io.jshim.posix.Posix;
import io.jshim.posix.PosixException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.util.concurrent.CountDownLatch;
import java.util.function.BooleanSupplier;

/**
 * Copies bytes from one fd to another on a platform thread (the reads block in native code) until EOF of the
 * source, EIO (a pty whose slave side closed), or until {@code stop} says so while the source is idle.
 * Runs {@code onEnd} at the end and then counts down {@code done}.
 */
final class FdCopy implements Runnable {
    private static final Logger LOG = LoggerFactory.getLogger(FdCopy.class);
    private static final int POLL_MILLIS = 200;
    /** Linux EIO: reading a pty master after the slave side closed. */
    private static final int EIO = 5;

    private final Posix posix;
    private final String name;
    private final int from;
    private final int to;
    private final BooleanSupplier stop;
    private final CountDownLatch done;
    private final Runnable onEnd;

    FdCopy(Posix posix, String name, int from, int to, BooleanSupplier stop, CountDownLatch done, Runnable onEnd) {
        this.posix = posix;
        this.name = name;
        this.from = from;
        this.to = to;
        this.stop = stop;
        this.done = done;
        this.onEnd = onEnd;
    }

    /** Starts the copy on a platform daemon thread of {@code threads}. */
    void start(ReadyThreads threads) {
        threads.start("stdio-" + name, this);
    }

    @Override
    public void run() {
        byte[] buf = new byte[32 * 1024];
        try {
            while (true) {
                if (stop != null) {
                    int revents = posix.poll(from, FileCalls.POLLIN, POLL_MILLIS);
                    if (revents == 0) {
                        if (stop.getAsBoolean()) {
                            return;
                        }
                        continue;
                    }
                }
                int n = posix.read(from, buf, 0, buf.length);
                if (n <= 0) {
                    return;
                }
                writeFully(buf, n);
            }
        } catch (PosixException e) {
            if (e.errno() != EIO && e.errno() != Errno.EBADF && e.errno() != Errno.EPIPE) {
                LOG.warn("stdio copy ended stream={} error={}", name, e.getMessage());
            }
        } catch (RuntimeException e) {
            LOG.warn("stdio copy failed stream={}", name, e);
        } finally {
            if (onEnd != null) {
                onEnd.run();
            }
            if (done != null) {
                done.countDown();
            }
        }
    }

    private void writeFully(byte[] buf, int n) {
        int off = 0;
        while (off < n) {
            off += posix.write(to, buf, off, n - off);
        }
    }
}
