package io.jshim.plugin.taskrunc.stdio;

import io.jshim.plugin.taskrunc.threads.ReadyThreads;
import io.jshim.posix.FileCalls;
import io.jshim.posix.Posix;
import io.jshim.posix.PosixImplementation;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

import java.io.ByteArrayOutputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * CloseIO on pipe stdio, with real FIFOs and pipes: the test plays the client (writes the stdin FIFO, calls
 * CloseIO, closes its end, in that order, as containerd's clients do) and the process (reads its stdin pipe).
 */
@Timeout(value = 30, unit = TimeUnit.SECONDS)
class PipeIoStdinTest {
    /** Less than a FIFO's and a pipe's buffers together: the client never waits for the process to read. */
    private static final int PAYLOAD = 100 * 1024;

    @TempDir
    Path dir;
    private final Posix posix = PosixImplementation.FFM.create();

    @Test
    void closeIoHandsTheProcessEverythingWrittenThenEofAfterTheClientClosed() throws Exception {
        Path in = dir.resolve("in");
        posix.mkfifo(in, 0600);
        byte[] first = payload(PAYLOAD, 'a');
        byte[] late = payload(5000, 'k');
        try (ProcessIo io = new StdioFactory(posix, new ReadyThreads(0)).open("ns", "c1", "e1",
                new StdioPaths(in.toString(), "", "", false), IoOwner.ROOT)) {
            int client = posix.open(in, FileCalls.O_WRONLY | FileCalls.O_CLOEXEC, 0);
            writeFully(client, first);
            // CloseIO while most of the payload still waits in the FIFO, the client's end still open
            io.closeStdin();
            // what the client writes before closing its end still reaches the process (as with Go)
            writeFully(client, late);
            posix.close(client);

            byte[] received = readToEof(io.childStdio().stdin());

            byte[] expected = Arrays.copyOf(first, first.length + late.length);
            System.arraycopy(late, 0, expected, first.length, late.length);
            assertThat(received.length).isEqualTo(expected.length);
            assertThat(received).isEqualTo(expected);
        }
    }

    @Test
    void closingTheIoStopsAnIdleStdinCopyAndReleasesEveryFd() throws Exception {
        Path in = dir.resolve("in");
        Path out = dir.resolve("out");
        posix.mkfifo(in, 0600);
        posix.mkfifo(out, 0600);
        long before = openFds();
        ProcessIo io = new StdioFactory(posix, new ReadyThreads(0)).open("ns", "c1", "e1",
                new StdioPaths(in.toString(), out.toString(), "", false), IoOwner.ROOT);
        int client = posix.open(in, FileCalls.O_WRONLY | FileCalls.O_CLOEXEC, 0);
        try {
            io.childStarted();
            io.close();
            // the stdin copy notices the close once the FIFO is idle, the stdout copy sees EOF of the pipe
            assertThat(eventually(() -> openFds() == before + 1)).as("fds after close: %s, before %s (+1 client)",
                    openFds(), before).isTrue();
        } finally {
            posix.close(client);
        }
    }

    private void writeFully(int fd, byte[] bytes) {
        int off = 0;
        while (off < bytes.length) {
            off += posix.write(fd, bytes, off, bytes.length - off);
        }
    }

    private byte[] readToEof(int fd) {
        ByteArrayOutputStream all = new ByteArrayOutputStream();
        byte[] buf = new byte[8192];
        for (int n; (n = posix.read(fd, buf, 0, buf.length)) > 0; ) {
            all.write(buf, 0, n);
        }
        return all.toByteArray();
    }

    private static byte[] payload(int size, char base) {
        byte[] bytes = new byte[size];
        for (int i = 0; i < size; i++) {
            bytes[i] = (byte) (base + i % 13);
        }
        return bytes;
    }

    private static long openFds() {
        try (Stream<Path> fds = Files.list(Path.of("/proc/self/fd"))) {
            return fds.count();
        } catch (java.io.IOException e) {
            throw new java.io.UncheckedIOException(e);
        }
    }

    private static boolean eventually(java.util.function.BooleanSupplier condition) throws InterruptedException {
        for (int i = 0; i < 100; i++) {
            if (condition.getAsBoolean()) {
                return true;
            }
            Thread.sleep(100);
        }
        return condition.getAsBoolean();
    }
}
