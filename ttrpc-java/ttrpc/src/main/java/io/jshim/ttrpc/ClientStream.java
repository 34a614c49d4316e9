package io.jshim.ttrpc;

import com.google.protobuf.MessageLite;
import java.util.Optional;

/**
 * The client's side of one streaming call, opened by {@link TtrpcClient#newStream}. Blocking; one
 * thread may send while another receives. Close it to abandon the call early.
 *
 * <p>For a server-streaming method, the first {@link #send} carries the one request (in the request
 * frame, as Go's ttrpc does) and closes the sending side. For client- and bidi-streaming methods the
 * call is opened at once and every {@link #send} is a data frame; {@link #closeSend} ends the requests.
 *
 * @param <Req> the request message type
 * @param <Resp> the response message type
 */
public interface ClientStream<Req extends MessageLite, Resp extends MessageLite> extends AutoCloseable {

    /**
     * @param request the next request
     * @throws TtrpcException {@code UNAVAILABLE} when the connection failed, the call's final status
     *     when it has ended, {@code RESOURCE_EXHAUSTED} when the message is too large
     * @throws IllegalStateException after {@link #closeSend}, or a second send on a server-streaming method
     */
    void send(Req request);

    /**
     * Tells the server that no more requests follow; idempotent.
     *
     * @throws TtrpcException {@code UNAVAILABLE} when the connection failed
     */
    void closeSend();

    /**
     * Waits for the server's next message, at most until the call's deadline.
     *
     * @return the next response, or empty once the call ended with {@code OK}
     * @throws TtrpcException with the call's failed status (from the server, or {@code DEADLINE_EXCEEDED},
     *     {@code UNAVAILABLE}, {@code CANCELLED} when interrupted or closed)
     */
    Optional<Resp> receive();

    /** @return the call's final status once it has ended, empty while it runs */
    Optional<Status> status();

    /** Abandons the call if it still runs (later frames for it are dropped); idempotent. */
    @Override
    void close();
}
