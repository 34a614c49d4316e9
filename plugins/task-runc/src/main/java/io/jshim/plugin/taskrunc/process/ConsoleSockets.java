package io.jshim.plugin.taskrunc.process;

import io.jshim.plugin.taskrunc.error.TaskException;
import io.jshim.plugin.taskrunc.stdio.ProcessIo;
import io.jshim.posix.FdReceivingSocket;
import io.jshim.posix.Posix;
import io.jshim.posix.PosixException;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Objects;
import java.util.concurrent.atomic.AtomicLong;

/**
 * Console sockets for runc's {@code --console-socket}: a Unix socket in a private directory that receives the
 * pty master with SCM_RIGHTS. The directory is the bundle when its path is short enough for a socket address,
 * else a fresh private temporary directory.
 */
public final class ConsoleSockets {
    private static final int MAX_SOCKET_PATH = 100;
    private static final Duration RECEIVE_TIMEOUT = Duration.ofSeconds(10);

    private final Posix posix;
    private final Path dir;
    private final AtomicLong counter = new AtomicLong();

    /** @param dir where sockets are created (the bundle) */
    public ConsoleSockets(Posix posix, Path dir) {
        this.posix = Objects.requireNonNull(posix, "posix is null");
        this.dir = Objects.requireNonNull(dir, "dir is null");
    }

    /** Opens a console socket when {@code terminal}, else a no-op console. */
    Console open(boolean terminal) {
        if (!terminal) {
            return new Console(null, null);
        }
        Path path = dir.resolve("console-" + counter.incrementAndGet() + ".sock");
        Path tempDir = null;
        try {
            if (path.toString().length() > MAX_SOCKET_PATH) {
                tempDir = Files.createTempDirectory("jshim-console");
                path = tempDir.resolve("c.sock");
            }
            return new Console(FdReceivingSocket.listen(posix, path), tempDir);
        } catch (IOException | PosixException e) {
            throw new TaskException.Unknown("failed to create OCI runtime console socket: " + e.getMessage(), e);
        }
    }

    /** One console socket; {@link #path()} is null without a terminal. */
    final class Console implements AutoCloseable {
        private final FdReceivingSocket socket;
        private final Path tempDir;

        private Console(FdReceivingSocket socket, Path tempDir) {
            this.socket = socket;
            this.tempDir = tempDir;
        }

        Path path() {
            return socket == null ? null : socket.path();
        }

        /** Receives the pty master (after runc create/exec/restore returned) and hands it to {@code io}. */
        void attachTo(ProcessIo io) {
            if (socket == null) {
                return;
            }
            int master;
            try {
                master = socket.receiveFd(RECEIVE_TIMEOUT);
            } catch (PosixException e) {
                throw new TaskException.Unknown("failed to retrieve console master: " + e.getMessage(), e);
            }
            io.attachConsole(master);
        }

        @Override
        public void close() {
            if (socket != null) {
                socket.close();
            }
            if (tempDir != null) {
                try {
                    Files.deleteIfExists(tempDir);
                } catch (IOException ignored) {
                    // left in the temp dir
                }
            }
        }
    }
}
