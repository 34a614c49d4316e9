package io.jshim.ttrpc;

import java.io.EOFException;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.ReadableByteChannel;

/**
 * Reads frames from a channel through one reusable buffer, a header first and then its data, so that
 * the caller can refuse a frame from its header alone. Data over the limit, up to
 * {@link Frames#MAX_DISCARD_LENGTH}, is read and dropped, never buffered. Reports since when it has
 * been waiting for the rest of a partially received frame, so that a watchdog can close connections
 * whose peer stalls mid-frame. Time spent between frames (the caller is busy, e.g. waiting for a call
 * slot) never counts: bytes that arrived meanwhile are not a stall.
 */
final class FrameReader {

    private static final int BUFFER_SIZE = 64 * 1024;

    private final ReadableByteChannel channel;
    private final ByteBuffer buffer = ByteBuffer.allocateDirect(BUFFER_SIZE).flip();
    /**
     * System.nanoTime() since when the reader has been waiting for the rest of a frame (from its first
     * byte to the end of its data), 0 between frames.
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
     * Reads a whole frame; one whose declared length is over {@link Frames#MAX_DISCARD_LENGTH} fails
     * the connection instead of being read.
     *
     * @return the next frame, or null when the peer closed the connection between frames
     * @throws EOFException when the peer closed the connection in the middle of a frame
     * @throws IOException when the frame declares a garbage length
     */
    Frames.Frame next() throws IOException {
        Frames.Header header = nextHeader();
        if (header == null) {
            return null;
        }
        if (header.garbageLength()) {
            partialSince = 0;
            throw new IOException("frame header on stream " + Integer.toUnsignedString(header.streamId())
                    + " declares " + header.length() + " data bytes, over the " + Frames.MAX_DISCARD_LENGTH + " that are skipped");
        }
        return payload(header);
    }

    /**
     * Reads the next frame's header, leaving its data unread: the caller then reads the data with
     * {@link #payload} or closes the connection. Until then, the reader counts as waiting for the
     * rest of a frame.
     *
     * @return the header, or null when the peer closed the connection between frames
     * @throws EOFException when the peer closed the connection in the middle of a header
     */
    Frames.Header nextHeader() throws IOException {
        // bytes of the next frame that arrived while the caller was busy start the clock now
        partialSince = buffer.hasRemaining() ? System.nanoTime() : 0;
        boolean read = false;
        try {
            if (!fill(Frames.HEADER_LENGTH, true)) {
                return null;
            }
            long length = Integer.toUnsignedLong(buffer.getInt());
            int streamId = buffer.getInt();
            byte type = buffer.get();
            byte flags = buffer.get();
            read = true;
            return new Frames.Header(streamId, type, flags, length);
        } finally {
            if (!read) {
                partialSince = 0;
            }
        }
    }

    /**
     * Reads the data of the frame whose header {@link #nextHeader} just returned; data over
     * {@link Frames#MAX_DATA_LENGTH} is read and dropped, never buffered.
     *
     * @param header a header whose length is not {@link Frames.Header#garbageLength() garbage}
     * @throws EOFException when the peer closed the connection in the middle of the data
     */
    Frames.Frame payload(Frames.Header header) throws IOException {
        if (header.garbageLength()) {
            throw new IllegalArgumentException("refusing to read " + header.length() + " data bytes, over " + Frames.MAX_DISCARD_LENGTH);
        }
        try {
            long length = header.length();
            if (length > Frames.MAX_DATA_LENGTH) {
                discard(length);
                return new Frames.Frame(header.streamId(), header.type(), header.flags(), length, null);
            }
            return new Frames.Frame(header.streamId(), header.type(), header.flags(), length, readData((int) length));
        } finally {
            partialSince = 0;
        }
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
