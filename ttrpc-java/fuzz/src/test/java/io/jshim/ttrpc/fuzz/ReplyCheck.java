package io.jshim.ttrpc.fuzz;

import com.google.protobuf.InvalidProtocolBufferException;
import io.jshim.ttrpc.Status;
import io.jshim.ttrpc.proto.Response;

/** Checks that one frame from the server is a well-formed TTRPC response. */
final class ReplyCheck {

    private ReplyCheck() {
    }

    /**
     * @return the parsed response
     * @throws AssertionError when the frame is not a response, has flags, does not parse, or carries a
     *     code outside gRPC's range
     */
    static Response wellFormed(WireFrame frame) {
        if (frame.type() != WireFrame.RESPONSE || frame.flags() != 0) {
            throw new AssertionError("server sent something other than a plain response: " + frame);
        }
        Response response;
        try {
            response = Response.parseFrom(frame.data());
        } catch (InvalidProtocolBufferException e) {
            throw new AssertionError("server sent an unparsable response on " + frame + ": " + e.getMessage(), e);
        }
        if (!response.hasStatus()) {
            throw new AssertionError("response without status on " + frame);
        }
        int code = response.getStatus().getCode();
        if (code < 0 || code > Status.Code.UNAUTHENTICATED.value()) {
            throw new AssertionError("response with code " + code + " outside gRPC's range on " + frame);
        }
        if (code != 0 && !response.getPayload().isEmpty()) {
            throw new AssertionError("failed response (code " + code + ") with a payload on " + frame);
        }
        return response;
    }
}
