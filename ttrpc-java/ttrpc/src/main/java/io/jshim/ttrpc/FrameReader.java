package io.jshim.ttrpc;

import java.io.EOFException;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.ReadableByteChannel;

/**
 * Reads frames from a channel through one reusable buffer. Frames larger than the limit are
 * discarded (read and dropped, never buffered). Reports since when it has been waiting for the rest
 * of a partially received frame, so that a watchdog can close connections whose peer stalls
 * mid-frame. Time spent between calls of {@link #next} (the caller is busy, e.g. waiting for a call
 * slot) never counts: bytes that arrived meanwhile are not a stall.
 */
final class FrameReader {

    private static final int BUFFER_SIZE = 64 * 1024;

    private final ReadableByteChannel channel;
    private final ByteBuffer buffer = ByteBuffer.allocateDirect(BUFFER_SIZE).flip();
    /**
     * System.nanoTime() since when {@link #next} has been waiting for the rest of a frame, 0 when it
     * is not inside {@link #next} or has not received a byte of the next frame yet.
     */
    private volatile long partialSince;

    FrameReader(ReadableByteChannel channel) {
        this.channel = channel;
    }

    /** @return nanoTime since which the reader has been waiting for the rest of a frame, or 0 */
    long partialSince() {
        return partialSince;
    }

    /**
     * @return the next frame, or null when the peer closed the connection between frames
     * @throws EOFException when the peer closed the connection in the middle of a frame
     */
    Frames.Frame next() throws IOException {
        // bytes of the next frame that arrived while the caller was busy start the clock now
        partialSince = buffer.hasRemaining() ? System.nanoTime() : 0;
        try {
            return readFrame();
        } finally {
            partialSince = 0;
        }
    }

    private Frames.Frame readFrame() throws IOException {
        if (!fill(Frames.HEADER_LENGTH, true)) {
            return null;
        }
        long length = Integer.toUnsignedLong(buffer.getInt());
        int streamId = buffer.getInt();
        byte type = buffer.get();
        byte flags = buffer.get();
        Frames.Frame frame;
        if (length > Frames.MAX_DATA_LENGTH) {
            discard(length);
            frame = new Frames.Frame(streamId, type, flags, length, null);
        } else {
            frame = new Frames.Frame(streamId, type, flags, length, readData((int) length));
        }
        return frame;
    }

    private byte[] readData(int length) throws IOException {
        byte[] data = new byte[length];
        if (length <= buffer.capacity()) {
            fill(length, false);
            buffer.get(data);
            return data;
        }
        int buffered = buffer.remaining();
        buffer.get(data, 0, buffered);
        ByteBuffer rest = ByteBuffer.wrap(data, buffered, length - buffered);
        while (rest.hasRemaining()) {
            if (channel.read(rest) < 0) {
                throw new EOFException("peer closed the connection mid-frame after " + rest.position() + " of " + length + " data bytes");
            }
        }
        return data;
    }

    private void discard(long length) throws IOException {
        long left = length;
        while (left > 0) {
            if (!buffer.hasRemaining()) {
                buffer.clear();
                int n = channel.read(buffer);
                buffer.flip();
                if (n < 0) {
                    throw new EOFException("peer closed the connection while " + left + " bytes of an oversized frame were left");
                }
            }
            int skip = (int) Math.min(left, buffer.remaining());
            buffer.position(buffer.position() + skip);
            left -= skip;
        }
    }

    /** Ensures {@code needed} bytes are buffered; returns false on a clean EOF when allowed. */
    private boolean fill(int needed, boolean eofAllowedWhenEmpty) throws IOException {
        while (buffer.remaining() < needed) {
            buffer.compact();
            int n;
            try {
                n = channel.read(buffer);
            } finally {
                buffer.flip();
            }
            if (n < 0) {
                if (eofAllowedWhenEmpty && !buffer.hasRemaining()) {
                    return false;
                }
                throw new EOFException("peer closed the connection mid-frame with " + buffer.remaining() + " of " + needed + " bytes read");
            }
            if (n > 0 && partialSince == 0) {
                partialSince = System.nanoTime();
            }
        }
        return true;
    }
}
