package io.jshim.ttrpc;

import com.google.protobuf.MessageLite;

/**
 * Serves one streaming method (client, server or bidirectional streaming). It runs on its own
 * virtual thread with the call's {@link RequestContext} bound and is interrupted when the client's
 * deadline passes. Returning normally ends the call with {@code OK}.
 *
 * @param <Req> the request message type
 * @param <Resp> the response message type
 */
@FunctionalInterface
public interface StreamHandler<Req extends MessageLite, Resp extends MessageLite> {

    /**
     * @param stream receives the client's messages and sends responses
     * @return for a client-streaming method the one response (never null); for methods whose responses
     *     stream, ignored (return null)
     * @throws Exception a {@link TtrpcException} ends the call with its status; anything else with
     *     {@code UNKNOWN} and the exception's message
     */
    Resp handle(ServerStream<Req, Resp> stream) throws Exception;
}
