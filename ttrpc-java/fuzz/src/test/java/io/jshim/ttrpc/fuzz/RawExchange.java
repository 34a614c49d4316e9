package io.jshim.ttrpc.fuzz;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.net.StandardProtocolFamily;
import java.net.UnixDomainSocketAddress;
import java.nio.ByteBuffer;
import java.nio.channels.SocketChannel;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;

/**
 * One hand-driven connection to the server: bytes are written on a virtual thread while the caller
 * reads, so a server answering while it reads never deadlocks the test. Every read is bounded: a
 * server that neither answers nor closes within the limit fails the exchange as a hang.
 */
final class RawExchange implements AutoCloseable {

    private final SocketChannel channel;
    private final ScheduledExecutorService timers;
    private final ByteArrayOutputStream received = new ByteArrayOutputStream();
    private final ByteBuffer readBuffer = ByteBuffer.allocate(64 * 1024);
    private Thread writer;

    private RawExchange(SocketChannel channel, ScheduledExecutorService timers) {
        this.channel = channel;
        this.timers = timers;
    }

    static RawExchange open(Path socket, ScheduledExecutorService timers) throws IOException {
        SocketChannel channel = SocketChannel.open(StandardProtocolFamily.UNIX);
        try {
            channel.connect(UnixDomainSocketAddress.of(socket));
        } catch (IOException e) {
            channel.close();
            throw new IOException("failed to connect to fuzzed server " + socket + ": " + e.getMessage(), e);
        }
        return new RawExchange(channel, timers);
    }

    /**
     * Writes the bytes on a virtual thread, then half-closes when asked. A write failing because the
     * server already closed the connection is expected (it does so on protocol violations) and ignored.
     */
    void send(byte[] bytes, boolean halfCloseAfter) {
        send(bytes, bytes.length, halfCloseAfter);
    }

    /**
     * Like {@link #send(byte[], boolean)}, in writes of at most {@code chunk} bytes with a yield
     * between them, so that the server often sees headers and data arrive in pieces.
     */
    void send(byte[] bytes, int chunk, boolean halfCloseAfter) {
        int step = Math.max(1, chunk);
        writer = Thread.ofVirtual().name("fuzz-writer").start(() -> {
            try {
                for (int start = 0; start < bytes.length; start += step) {
                    ByteBuffer out = ByteBuffer.wrap(bytes, start, Math.min(step, bytes.length - start));
                    while (out.hasRemaining()) {
                        channel.write(out);
                    }
                    Thread.yield();
                }
                if (halfCloseAfter) {
                    channel.shutdownOutput();
                }
            } catch (IOException e) {
                // the server closed first
            }
        });
    }

    /**
     * Reads until the server closes the connection.
     *
     * @return the frames received
     * @throws AssertionError when the server keeps it open past the limit
     */
    List<WireFrame> readUntilClosed(Duration limit) throws IOException, InterruptedException {
        readBounded(limit, "close the connection", () -> false);
        return WireFrame.parseAll(received.toByteArray());
    }

    /**
     * Reads until {@code count} complete frames arrived.
     *
     * @throws AssertionError when they do not arrive within the limit or the server closes first
     */
    List<WireFrame> readFrames(int count, Duration limit) throws IOException, InterruptedException {
        boolean closed = readBounded(limit, "send " + count + " replies", () -> completeFrames() >= count);
        List<WireFrame> frames = WireFrame.parseAll(received.toByteArray());
        if (closed && frames.size() < count) {
            throw new AssertionError("server closed the connection after " + frames.size() + " of " + count + " replies: " + frames);
        }
        return frames;
    }

    /** @return true when the server closed the connection */
    private boolean readBounded(Duration limit, String what, java.util.function.BooleanSupplier done)
            throws IOException, InterruptedException {
        AtomicBoolean expired = new AtomicBoolean();
        ScheduledFuture<?> guard = timers.schedule(() -> {
            expired.set(true);
            closeQuietly();
        }, limit.toNanos(), TimeUnit.NANOSECONDS);
        try {
            while (!done.getAsBoolean()) {
                readBuffer.clear();
                int n = channel.read(readBuffer);
                if (n < 0) {
                    return true;
                }
                received.write(readBuffer.array(), 0, n);
            }
            return false;
        } catch (IOException e) {
            if (expired.get()) {
                throw new AssertionError("server did not " + what + " within " + limit.toMillis() + "ms (hang); received "
                        + received.size() + " bytes");
            }
            // reset by the server: the same as a close for these tests
            return true;
        } finally {
            guard.cancel(false);
            if (writer != null) {
                if (expired.get() || !writer.join(limit)) {
                    closeQuietly();
                    writer.join();
                }
            }
        }
    }

    private int completeFrames() {
        byte[] bytes = received.toByteArray();
        int count = 0;
        int pos = 0;
        while (bytes.length - pos >= WireFrame.HEADER_LENGTH) {
            long length = ByteBuffer.wrap(bytes, pos, 4).getInt() & 0xffff_ffffL;
            if (bytes.length - pos - WireFrame.HEADER_LENGTH < length) {
                break;
            }
            pos += WireFrame.HEADER_LENGTH + (int) length;
            count++;
        }
        return count;
    }

    private void closeQuietly() {
        try {
            channel.close();
        } catch (IOException e) {
            // already closed
        }
    }

    @Override
    public void close() {
        closeQuietly();
    }
}
