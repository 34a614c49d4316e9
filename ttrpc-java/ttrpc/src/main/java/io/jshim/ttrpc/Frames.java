package io.jshim.ttrpc;

/** Constants of the TTRPC framing (containerd/ttrpc PROTOCOL.md, versions 1.0 to 1.2). */
final class Frames {

    /** uint32 length, uint32 stream id, uint8 type, uint8 flags; big endian. */
    static final int HEADER_LENGTH = 10;
    /** The largest data length accepted or sent, as Go's {@code messageLengthMax}. */
    static final int MAX_DATA_LENGTH = 4 << 20;

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
