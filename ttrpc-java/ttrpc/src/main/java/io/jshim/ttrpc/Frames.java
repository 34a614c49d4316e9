package io.jshim.ttrpc;

/** Constants of the TTRPC framing (containerd/ttrpc PROTOCOL.md, versions 1.0 to 1.2). */
final class Frames {

    /** uint32 length, uint32 stream id, uint8 type, uint8 flags; big endian. */
    static final int HEADER_LENGTH = 10;
    /** The largest data length accepted or sent, as Go's {@code messageLengthMax}. */
    static final int MAX_DATA_LENGTH = 4 << 20;
    /**
     * The largest declared data length a server reads and drops in order to answer the frame
     * {@code RESOURCE_EXHAUSTED} and keep the connection, as Go's server does for any oversized frame.
     * No ttrpc client sends more than {@link #MAX_DATA_LENGTH} (Go's and ours refuse to), so a frame
     * a few MiB over the limit comes from a peer built with a larger limit and is worth skipping;
     * reading and dropping 16 MiB from a local socket takes milliseconds. A declared length beyond
     * this bound is taken as garbage (a peer out of step with the framing, or not speaking ttrpc at
     * all): a request is answered {@code RESOURCE_EXHAUSTED} on its stream and the connection is
     * closed at once, without waiting for data that may never come.
     */
    static final long MAX_DISCARD_LENGTH = 4L * MAX_DATA_LENGTH;

    static final byte TYPE_REQUEST = 0x1;
    static final byte TYPE_RESPONSE = 0x2;
    static final byte TYPE_DATA = 0x3;

    static final byte FLAG_REMOTE_CLOSED = 0x1;
    static final byte FLAG_REMOTE_OPEN = 0x2;
    static final byte FLAG_NO_DATA = 0x4;

    private Frames() {
    }

    static String typeName(byte type) {
        return switch (type) {
            case TYPE_REQUEST -> "request";
            case TYPE_RESPONSE -> "response";
            case TYPE_DATA -> "data";
            default -> "unknown(" + (type & 0xff) + ")";
        };
    }

    static String oversizeMessage(long length) {
        return "message length " + length + " exceed maximum message size of " + MAX_DATA_LENGTH;
    }

    static String refuseToSendMessage(long length) {
        return "refusing to send, message length " + length + " exceed maximum message size of " + MAX_DATA_LENGTH;
    }

    /** A received frame header; {@code length} is the declared data length (uint32). */
    record Header(int streamId, byte type, byte flags, long length) {
        /** @return whether the declared length is over {@link Frames#MAX_DISCARD_LENGTH} */
        boolean garbageLength() {
            return length > MAX_DISCARD_LENGTH;
        }
    }

    /**
     * A received frame. {@code data} is null when the frame was larger than the limit and discarded;
     * {@code length} is then the declared length.
     */
    record Frame(int streamId, byte type, byte flags, long length, byte[] data) {
        boolean oversized() {
            return data == null;
        }
    }
}
