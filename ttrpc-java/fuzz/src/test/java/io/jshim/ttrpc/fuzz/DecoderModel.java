package io.jshim.ttrpc.fuzz;

import com.google.protobuf.InvalidProtocolBufferException;
import io.jshim.ttrpc.Status;
import io.jshim.ttrpc.proto.Request;
import java.nio.ByteBuffer;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;

/**
 * What the server must answer to a byte stream that ends with the client's half-close, written from
 * the protocol description in ttrpc-java's README (not from its code): the replies the connection's
 * reader sends itself, in input order, and the streams of requests handed to handlers (whose replies
 * may or may not arrive before the server sees the end of the input and closes).
 *
 * <ul>
 *   <li>a frame of any type but request or data: the connection is closed at its header, nothing
 *       after it is answered</li>
 *   <li>a frame declaring more than 16 MiB: a request is answered {@code RESOURCE_EXHAUSTED}, then the
 *       connection is closed at its header</li>
 *   <li>a frame declaring more than 4 MiB: {@code RESOURCE_EXHAUSTED}, its data skipped</li>
 *   <li>a request on an even stream: {@code INVALID_ARGUMENT}</li>
 *   <li>a request that is not a {@code ttrpc.Request}: {@code INVALID_ARGUMENT}</li>
 *   <li>a request with a negative timeout: {@code DEADLINE_EXCEEDED}</li>
 *   <li>a data frame for a stream without a request: {@code INVALID_ARGUMENT}</li>
 *   <li>input ending inside a frame: the connection is closed</li>
 * </ul>
 *
 * Whether a handed-over stream is still running when a data frame or a second request on it arrives is
 * a race; the model stops predicting there ({@link #exact()} false).
 */
record DecoderModel(List<Reply> readerReplies, Set<Integer> dispatchedStreams, boolean exact) {

    /** A reply the reader itself must send. */
    record Reply(int streamId, Status.Code code) {
    }

    static DecoderModel of(byte[] input) {
        ByteBuffer in = ByteBuffer.wrap(input);
        List<Reply> replies = new ArrayList<>();
        Set<Integer> dispatched = new HashSet<>();
        while (in.remaining() >= WireFrame.HEADER_LENGTH) {
            long length = Integer.toUnsignedLong(in.getInt());
            int stream = in.getInt();
            byte type = in.get();
            in.get(); // flags: ignored by a unary server
            if (type != WireFrame.REQUEST && type != WireFrame.DATA) {
                return new DecoderModel(replies, dispatched, true);
            }
            if (length > WireFrame.MAX_DISCARD_LENGTH) {
                if (type == WireFrame.REQUEST) {
                    replies.add(new Reply(stream, Status.Code.RESOURCE_EXHAUSTED));
                }
                return new DecoderModel(replies, dispatched, true);
            }
            if (length > in.remaining()) {
                break; // the input ends inside the frame
            }
            if (length > WireFrame.MAX_DATA_LENGTH) {
                in.position(in.position() + (int) length);
                replies.add(new Reply(stream, Status.Code.RESOURCE_EXHAUSTED));
                continue;
            }
            byte[] data = new byte[(int) length];
            in.get(data);
            switch (type) {
                case WireFrame.REQUEST -> {
                    if ((stream & 1) == 0) {
                        replies.add(new Reply(stream, Status.Code.INVALID_ARGUMENT));
                        continue;
                    }
                    Request request;
                    try {
                        request = Request.parseFrom(data);
                    } catch (InvalidProtocolBufferException e) {
                        replies.add(new Reply(stream, Status.Code.INVALID_ARGUMENT));
                        continue;
                    }
                    if (dispatched.contains(stream)) {
                        return new DecoderModel(replies, dispatched, false);
                    }
                    if (request.getTimeoutNano() < 0) {
                        replies.add(new Reply(stream, Status.Code.DEADLINE_EXCEEDED));
                        continue;
                    }
                    dispatched.add(stream);
                }
                case WireFrame.DATA -> {
                    if (dispatched.contains(stream)) {
                        return new DecoderModel(replies, dispatched, false);
                    }
                    replies.add(new Reply(stream, Status.Code.INVALID_ARGUMENT));
                }
                default -> throw new IllegalStateException("type " + type + " passed the type check");
            }
        }
        return new DecoderModel(replies, dispatched, true);
    }
}
