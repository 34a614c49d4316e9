package io.jshim.ttrpc;

import com.google.protobuf.MessageLite;
import java.util.Optional;

/**
 * The server's side of one streaming call, used by a {@link StreamHandler} on its own virtual thread.
 * Blocking: {@link #receive} waits for the client's next message, {@link #send} for the connection.
 *
 * @param <Req> the request message type
 * @param <Resp> the response message type
 */
public interface ServerStream<Req extends MessageLite, Resp extends MessageLite> {

    /**
     * Waits for the client's next message. For a method whose requests do not stream, the one request
     * is received first, then the end.
     *
     * @return the next request, or empty once the client closed its side
     * @throws TtrpcException {@code CANCELLED} when interrupted (the deadline passed), {@code UNAVAILABLE}
     *     when the connection closed, {@code RESOURCE_EXHAUSTED} when the handler stopped reading
     */
    Optional<Req> receive();

    /**
     * Sends a response message as a data frame; waits while the client does not read, at most the
     * server's write timeout, then the connection is closed.
     *
     * @param response the message; for a method whose responses do not stream, return it from the
     *     handler instead
     * @throws TtrpcException {@code DEADLINE_EXCEEDED} or {@code UNAVAILABLE} once the call is over or
     *     the connection closed, {@code RESOURCE_EXHAUSTED} when the message is too large
     * @throws IllegalStateException when the method's responses do not stream
     */
    void send(Resp response);
}
