package io.jshim.ttrpc;

import static java.util.Objects.requireNonNull;

import java.time.Duration;
import java.util.Optional;
import java.util.OptionalLong;

/**
 * What a server handler knows about the call it is serving: service, method, metadata, deadline and
 * the peer's credentials. Available to handlers and interceptors through {@link #current()}, which is
 * backed by a {@link ScopedValue} bound for the duration of the call.
 */
public final class RequestContext {

    private static final ScopedValue<RequestContext> CURRENT = ScopedValue.newInstance();

    private final String service;
    private final String method;
    private final Metadata metadata;
    private final OptionalLong deadlineNanos;
    private final Optional<PeerCredentials> peer;

    RequestContext(String service, String method, Metadata metadata, OptionalLong deadlineNanos,
            Optional<PeerCredentials> peer) {
        this.service = requireNonNull(service, "service is null");
        this.method = requireNonNull(method, "method is null");
        this.metadata = requireNonNull(metadata, "metadata is null");
        this.deadlineNanos = requireNonNull(deadlineNanos, "deadlineNanos is null");
        this.peer = requireNonNull(peer, "peer is null");
    }

    /**
     * @return the context of the call the current thread is serving
     * @throws IllegalStateException when called outside a TTRPC handler or interceptor
     */
    public static RequestContext current() {
        if (!CURRENT.isBound()) {
            throw new IllegalStateException("no TTRPC request is being served by this thread");
        }
        return CURRENT.get();
    }

    /** @return the context of the call being served, empty outside handlers */
    public static Optional<RequestContext> currentIfPresent() {
        return CURRENT.isBound() ? Optional.of(CURRENT.get()) : Optional.empty();
    }

    /** Runs the body with this context bound for {@link #current()}. */
    <T> T callWithin(ScopedValue.CallableOp<T, Exception> body) throws Exception {
        return ScopedValue.where(CURRENT, this).call(body);
    }

    /** @return the fully qualified service name, e.g. {@code containerd.task.v2.Task} */
    public String service() {
        return service;
    }

    /** @return the method name, e.g. {@code Create} */
    public String method() {
        return method;
    }

    /** @return {@code service/method}, e.g. {@code containerd.task.v2.Task/Create} */
    public String fullMethodName() {
        return service + "/" + method;
    }

    /** @return the metadata sent by the client */
    public Metadata metadata() {
        return metadata;
    }

    /** @return the time left before the client's deadline; empty when the client set none */
    public Optional<Duration> remaining() {
        if (deadlineNanos.isEmpty()) {
            return Optional.empty();
        }
        return Optional.of(Duration.ofNanos(deadlineNanos.getAsLong() - System.nanoTime()));
    }

    /** @return true when the client's deadline has passed */
    public boolean isDeadlineExceeded() {
        return deadlineNanos.isPresent() && deadlineNanos.getAsLong() - System.nanoTime() <= 0;
    }

    /** @return the peer's credentials; empty when the transport could not report them */
    public Optional<PeerCredentials> peer() {
        return peer;
    }

    @Override
    public String toString() {
        return "RequestContext[" + fullMethodName() + "]";
    }
}
