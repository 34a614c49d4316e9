package io.jshim.ttrpc;

import com.google.protobuf.CodedOutputStream;
import com.google.protobuf.MessageLite;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.GatheringByteChannel;
import java.time.Duration;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.ReentrantLock;

/**
 * Writes whole frames to a channel, one writer at a time. A writer that cannot get the channel within
 * the lock timeout fails (the peer is not reading); the time a write has been blocked is exposed for a
 * watchdog.
 */
final class FrameWriter {

    private static final int BUFFER_SIZE = 64 * 1024;

    private final GatheringByteChannel channel;
    private final Duration lockTimeout;
    private final ReentrantLock lock = new ReentrantLock();
    private final ByteBuffer buffer = ByteBuffer.allocateDirect(BUFFER_SIZE);
    /** System.nanoTime() when the current write started, 0 when not writing. */
    private volatile long writingSince;

    FrameWriter(GatheringByteChannel channel, Duration lockTimeout) {
        this.channel = channel;
        this.lockTimeout = lockTimeout;
    }

    long writingSince() {
        return writingSince;
    }

    /**
     * @param message the frame's data, already checked against the size limit
     * @throws IOException when writing fails or the channel stays busy past the lock timeout
     */
    void write(int streamId, byte type, byte flags, MessageLite message) throws IOException {
        int size = message.getSerializedSize();
        if (size > Frames.MAX_DATA_LENGTH) {
            throw new IllegalArgumentException(Frames.refuseToSendMessage(size));
        }
        try {
            if (!lock.tryLock(lockTimeout.toNanos(), TimeUnit.NANOSECONDS)) {
                throw new IOException("failed to write frame on stream " + Integer.toUnsignedString(streamId)
                        + ": the connection stayed busy for " + lockTimeout.toMillis() + "ms (peer not reading)");
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IOException("interrupted while waiting to write frame on stream " + Integer.toUnsignedString(streamId), e);
        }
        try {
            writingSince = System.nanoTime();
            buffer.clear();
            putHeader(size, streamId, type, flags);
            if (size <= buffer.remaining()) {
                int start = buffer.position();
                CodedOutputStream out = CodedOutputStream.newInstance(buffer);
                message.writeTo(out);
                out.flush();
                buffer.position(start + size);
                buffer.flip();
                while (buffer.hasRemaining()) {
                    channel.write(buffer);
                }
            } else {
                buffer.flip();
                ByteBuffer[] parts = {buffer, ByteBuffer.wrap(message.toByteArray())};
                while (parts[1].hasRemaining()) {
                    channel.write(parts);
                }
            }
        } finally {
            writingSince = 0;
            lock.unlock();
        }
    }

    private void putHeader(int length, int streamId, byte type, byte flags) {
        buffer.putInt(length).putInt(streamId).put(type).put(flags);
    }
}
