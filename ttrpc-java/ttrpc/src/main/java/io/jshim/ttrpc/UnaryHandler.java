package io.jshim.ttrpc;

import com.google.protobuf.MessageLite;

/**
 * Serves one unary method. It runs on its own virtual thread with the call's {@link RequestContext}
 * bound; it is interrupted when the client's deadline passes.
 *
 * @param <Req> the request message type
 * @param <Resp> the response message type
 */
@FunctionalInterface
public interface UnaryHandler<Req extends MessageLite, Resp extends MessageLite> {

    /**
     * @param request the parsed request
     * @return the response (never null)
     * @throws Exception a {@link TtrpcException} answers with its status; anything else with
     *     {@code UNKNOWN} and the exception's message
     */
    Resp handle(Req request) throws Exception;
}
