package io.jshim.ttrpc.fuzz;

import java.nio.ByteBuffer;
import java.util.ArrayList;
import java.util.List;

/**
 * One TTRPC frame as these tests write and read it, independently of the library's own framing code:
 * a 10-byte big-endian header (uint32 length, uint32 stream id, uint8 type, uint8 flags), then the data.
 */
record WireFrame(int streamId, byte type, byte flags, byte[] data) {

    static final int HEADER_LENGTH = 10;
    static final int MAX_DATA_LENGTH = 4 << 20;
    /** Declared lengths over this are not skipped: the server closes the connection at the header. */
    static final long MAX_DISCARD_LENGTH = 16L << 20;
    static final byte REQUEST = 0x1;
    static final byte RESPONSE = 0x2;
    static final byte DATA = 0x3;

    /** @return the header and data, ready to be written */
    byte[] encode() {
        return ByteBuffer.allocate(HEADER_LENGTH + data.length)
                .putInt(data.length).putInt(streamId).put(type).put(flags).put(data).array();
    }

    /** @return a header declaring {@code length} data bytes, without the data */
    static byte[] header(long length, int streamId, byte type) {
        return ByteBuffer.allocate(HEADER_LENGTH).putInt((int) length).putInt(streamId).put(type).put((byte) 0).array();
    }

    /**
     * Splits what a server sent into frames.
     *
     * @throws AssertionError when the bytes do not end on a frame boundary or declare an oversized frame
     */
    static List<WireFrame> parseAll(byte[] bytes) {
        ByteBuffer in = ByteBuffer.wrap(bytes);
        List<WireFrame> frames = new ArrayList<>();
        while (in.hasRemaining()) {
            if (in.remaining() < HEADER_LENGTH) {
                throw new AssertionError("server sent a truncated frame header: " + in.remaining() + " trailing bytes");
            }
            long length = Integer.toUnsignedLong(in.getInt());
            int streamId = in.getInt();
            byte type = in.get();
            byte flags = in.get();
            if (length > MAX_DATA_LENGTH || length > in.remaining()) {
                throw new AssertionError("server sent a frame declaring " + length + " bytes with " + in.remaining() + " left");
            }
            byte[] data = new byte[(int) length];
            in.get(data);
            frames.add(new WireFrame(streamId, type, flags, data));
        }
        return frames;
    }

    @Override
    public String toString() {
        return "WireFrame[stream=" + Integer.toUnsignedString(streamId) + " type=" + type + " flags=" + flags
                + " length=" + data.length + "]";
    }
}
