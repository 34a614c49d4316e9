package io.jshim.ttrpc;

import com.google.protobuf.ByteString;
import com.google.protobuf.InvalidProtocolBufferException;
import java.io.EOFException;
import java.io.IOException;
import java.nio.channels.ClosedChannelException;
import java.nio.channels.SocketChannel;
import java.util.Optional;
import java.util.OptionalLong;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.Semaphore;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import jdk.net.ExtendedSocketOptions;
import jdk.net.UnixDomainPrincipal;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * One accepted connection: reads frames on its own virtual thread, runs each request on a new virtual
 * thread and writes responses as they complete, in any order. Protocol violations close this
 * connection only. Once the server drains it ({@link #drainAndCloseIfIdle}) or it is closed, no further
 * request is dispatched: requests still read are answered {@code UNAVAILABLE}.
 */
final class ServerConnection {

    private static final Logger log = LoggerFactory.getLogger(ServerConnection.class);

    private final long id;
    private final SocketChannel channel;
    private final ServerSettings settings;
    private final CallDispatcher dispatcher;
    private final ScheduledExecutorService timers;
    private final Runnable onClosed;
    private final FrameReader reader;
    private final FrameWriter writer;
    private final Semaphore inFlightPermits;
    private final ConcurrentHashMap<Integer, Call> active = new ConcurrentHashMap<>();
    private final AtomicBoolean closed = new AtomicBoolean();
    /** Orders admitting a call against draining and closing, so none is admitted after either. */
    private final Object admission = new Object();
    /** Guarded by {@link #admission}. */
    private boolean draining;
    private volatile Thread readerThread;
    private volatile Optional<PeerCredentials> peer = Optional.empty();

    ServerConnection(long id, SocketChannel channel, ServerSettings settings, CallDispatcher dispatcher,
            ScheduledExecutorService timers, Runnable onClosed) {
        this.id = id;
        this.channel = channel;
        this.settings = settings;
        this.dispatcher = dispatcher;
        this.timers = timers;
        this.onClosed = onClosed;
        this.reader = new FrameReader(channel);
        this.writer = new FrameWriter(channel, settings.writeTimeout());
        this.inFlightPermits = new Semaphore(settings.maxConcurrentCallsPerConnection());
    }

    long id() {
        return id;
    }

    int activeCalls() {
        return active.size();
    }

    /** Reads and dispatches until the peer leaves, a protocol violation, or {@link #close}. */
    void serve() {
        readerThread = Thread.currentThread();
        try {
            if (!authenticate()) {
                return;
            }
            Frames.Frame frame;
            while (!closed.get() && (frame = reader.next()) != null) {
                if (!handle(frame)) {
                    return;
                }
            }
            log.debug("connection closed by peer conn={}", id);
        } catch (EOFException e) {
            log.warn("closing connection conn={} reason=\"{}\"", id, e.getMessage());
        } catch (ClosedChannelException e) {
            log.debug("connection closed conn={}", id);
        } catch (IOException e) {
            if (!closed.get()) {
                log.warn("closing connection conn={} reason=\"failed to read frame: {}\"", id, e.toString());
            }
        } catch (InterruptedException e) {
            log.debug("connection reader interrupted conn={}", id);
        } finally {
            close();
        }
    }

    private boolean authenticate() throws IOException {
        UnixDomainPrincipal principal;
        try {
            principal = channel.getOption(ExtendedSocketOptions.SO_PEERCRED);
        } catch (UnsupportedOperationException e) {
            log.warn("refusing connection conn={} reason=\"SO_PEERCRED is not supported: {}\"", id, e.getMessage());
            return false;
        }
        PeerCredentials credentials = new PeerCredentials(principal.user(), principal.group());
        try {
            settings.peerCheck().check(credentials);
        } catch (SecurityException e) {
            log.warn("refusing connection conn={} peer=\"{}\" reason=\"{}\"", id, credentials, e.getMessage());
            return false;
        }
        peer = Optional.of(credentials);
        return true;
    }

    /** @return false when the connection must be closed */
    private boolean handle(Frames.Frame frame) throws InterruptedException {
        int streamId = frame.streamId();
        if (frame.oversized()) {
            log.warn("refusing oversized frame conn={} stream={} length={} limit={}",
                    id, Integer.toUnsignedString(streamId), frame.length(), Frames.MAX_DATA_LENGTH);
            return respondStatus(streamId, Status.RESOURCE_EXHAUSTED.withDescription(Frames.oversizeMessage(frame.length())));
        }
        switch (frame.type()) {
            case Frames.TYPE_REQUEST -> {
                return handleRequest(frame);
            }
            case Frames.TYPE_DATA -> {
                if (active.containsKey(streamId)) {
                    log.warn("closing connection conn={} reason=\"data frame on unary stream {}\"", id, Integer.toUnsignedString(streamId));
                    return false;
                }
                log.warn("answering data frame for unknown stream conn={} stream={}", id, Integer.toUnsignedString(streamId));
                return respondStatus(streamId, Status.INVALID_ARGUMENT.withDescription(
                        "stream " + Integer.toUnsignedString(streamId) + " not found: streaming is not supported by this server"));
            }
            default -> {
                log.warn("closing connection conn={} reason=\"unexpected {} frame from client on stream {}\"",
                        id, Frames.typeName(frame.type()), Integer.toUnsignedString(streamId));
                return false;
            }
        }
    }

    private boolean handleRequest(Frames.Frame frame) throws InterruptedException {
        int streamId = frame.streamId();
        if ((streamId & 1) == 0) {
            log.warn("refusing request with even stream id conn={} stream={}", id, Integer.toUnsignedString(streamId));
            return respondStatus(streamId, Status.INVALID_ARGUMENT.withDescription("StreamID must be odd for client initiated streams"));
        }
        io.jshim.ttrpc.proto.Request request;
        try {
            request = io.jshim.ttrpc.proto.Request.parseFrom(frame.data());
        } catch (InvalidProtocolBufferException e) {
            log.warn("refusing unparsable request conn={} stream={} error=\"{}\"", id, Integer.toUnsignedString(streamId), e.getMessage());
            return respondStatus(streamId, Status.INVALID_ARGUMENT.withDescription("unmarshal request error: " + e.getMessage()));
        }
        if (isDraining()) {
            return refuseClosing(streamId, request);
        }
        inFlightPermits.acquire();
        Call call = new Call(streamId);
        switch (admit(call)) {
            case CLOSING -> {
                inFlightPermits.release();
                return refuseClosing(streamId, request);
            }
            case STREAM_IN_USE -> {
                inFlightPermits.release();
                log.warn("closing connection conn={} reason=\"stream {} reused while active\"", id, Integer.toUnsignedString(streamId));
                return false;
            }
            case ADMITTED -> {
                // dispatched below
            }
        }
        long timeoutNanos = request.getTimeoutNano();
        OptionalLong deadline = timeoutNanos == 0 ? OptionalLong.empty() : OptionalLong.of(System.nanoTime() + timeoutNanos);
        RequestContext context = new RequestContext(request.getService(), request.getMethod(),
                Metadata.fromKeyValues(request.getMetadataList()), deadline, peer);
        if (timeoutNanos < 0) {
            call.finish(Status.DEADLINE_EXCEEDED.withDescription("deadline of " + context.fullMethodName() + " expired before it arrived"), null);
            return !closed.get();
        }
        Thread.ofVirtual().name("ttrpc-call-" + id + "-" + Integer.toUnsignedString(streamId)).start(() -> call.run(context, request.getPayload()));
        return true;
    }

    private enum Admission { ADMITTED, STREAM_IN_USE, CLOSING }

    private Admission admit(Call call) {
        synchronized (admission) {
            if (draining || closed.get()) {
                return Admission.CLOSING;
            }
            return active.putIfAbsent(call.streamId, call) == null ? Admission.ADMITTED : Admission.STREAM_IN_USE;
        }
    }

    private boolean isDraining() {
        synchronized (admission) {
            return draining;
        }
    }

    /** Answers a request that arrived while the connection drains; @return false once it is closed */
    private boolean refuseClosing(int streamId, io.jshim.ttrpc.proto.Request request) {
        if (closed.get()) {
            return false;
        }
        log.debug("refusing request while shutting down conn={} stream={} method={}/{}",
                id, Integer.toUnsignedString(streamId), request.getService(), request.getMethod());
        return respondStatus(streamId, Status.UNAVAILABLE.withDescription(
                "server is shutting down, not serving " + request.getService() + "/" + request.getMethod()))
                && !closed.get();
    }

    private boolean respondStatus(int streamId, Status status) {
        return send(streamId, io.jshim.ttrpc.proto.Response.newBuilder().setStatus(status.toProto()).build());
    }

    private boolean send(int streamId, io.jshim.ttrpc.proto.Response response) {
        try {
            writer.write(streamId, Frames.TYPE_RESPONSE, (byte) 0, response);
            return true;
        } catch (IOException e) {
            if (!closed.get()) {
                log.warn("closing connection conn={} reason=\"failed to write response on stream {}: {}\"",
                        id, Integer.toUnsignedString(streamId), e.getMessage());
                close();
            }
            return false;
        }
    }

    /** Closes the connection when a frame has been half-read or a write blocked for too long. */
    void checkStalled(long now) {
        long partial = reader.partialSince();
        if (partial != 0 && now - partial > settings.readTimeout().toNanos()) {
            log.warn("closing connection conn={} reason=\"partial frame stalled for more than {}ms\"", id, settings.readTimeout().toMillis());
            close();
            return;
        }
        long writing = writer.writingSince();
        if (writing != 0 && now - writing > settings.writeTimeout().toNanos()) {
            log.warn("closing connection conn={} reason=\"peer not reading: write blocked for more than {}ms\"", id, settings.writeTimeout().toMillis());
            close();
        }
    }

    /**
     * Stops dispatching further requests (those read from now on are answered {@code UNAVAILABLE})
     * and closes the connection when no call is running.
     */
    void drainAndCloseIfIdle() {
        boolean idle;
        synchronized (admission) {
            draining = true;
            idle = active.isEmpty();
        }
        if (idle) {
            close();
        }
    }

    /**
     * Closes the socket and stops the reader, also one waiting for a call slot; no call is admitted
     * afterwards. Running handlers finish but their responses are dropped.
     */
    void close() {
        boolean first;
        synchronized (admission) {
            first = closed.compareAndSet(false, true);
        }
        if (first) {
            try {
                channel.close();
            } catch (IOException e) {
                log.debug("failed to close connection conn={}: {}", id, e.toString());
            }
            Thread reading = readerThread;
            if (reading != null && reading != Thread.currentThread()) {
                reading.interrupt();
            }
            onClosed.run();
        }
    }

    /** Interrupts running handlers (forced shutdown, after {@link #close}). */
    void interruptCalls() {
        active.values().forEach(Call::interrupt);
    }

    boolean isClosed() {
        return closed.get();
    }

    /** One request in flight; answered exactly once, by its handler or by its deadline. */
    private final class Call {
        private final int streamId;
        private final AtomicBoolean answered = new AtomicBoolean();
        private volatile Thread thread;
        private volatile ScheduledFuture<?> deadlineTimer;

        Call(int streamId) {
            this.streamId = streamId;
        }

        void run(RequestContext context, ByteString payload) {
            thread = Thread.currentThread(); // before reading `closed`: a close after this interrupts it
            try {
                if (closed.get()) {
                    finish(Status.UNAVAILABLE.withDescription("connection closed before serving " + context.fullMethodName()), null);
                    return;
                }
                context.remaining().ifPresent(left -> deadlineTimer = timers.schedule(
                        () -> startExpiry(context), Math.max(0, left.toNanos()), TimeUnit.NANOSECONDS));
                CallDispatcher.Outcome outcome = dispatcher.dispatch(context, payload);
                finish(outcome.status(), outcome.response());
            } catch (RejectedExecutionException e) {
                // the server stopped its deadline timer: it has shut down
                finish(Status.UNAVAILABLE.withDescription("server is shutting down, not serving " + context.fullMethodName()), null);
            } finally {
                thread = null;
            }
        }

        /**
         * Runs on the server's one timer thread, shared by all connections: it must never block, so the
         * reply (whose write may wait up to the write timeout for a peer that does not read) is written
         * on a virtual thread of its own.
         */
        private void startExpiry(RequestContext context) {
            Thread.ofVirtual().name("ttrpc-deadline-" + id + "-" + Integer.toUnsignedString(streamId))
                    .start(() -> expire(context));
        }

        private void expire(RequestContext context) {
            if (claim()) {
                interrupt();
                respond(Status.DEADLINE_EXCEEDED.withDescription("deadline exceeded serving " + context.fullMethodName()), null);
            }
        }

        void interrupt() {
            Thread t = thread;
            if (t != null) {
                t.interrupt();
            }
        }

        /** @return true when this call answered, false when it had already been answered */
        boolean finish(Status status, com.google.protobuf.MessageLite response) {
            if (!claim()) {
                return false;
            }
            respond(status, response);
            return true;
        }

        /** @return true for the one caller that may answer this call */
        private boolean claim() {
            if (!answered.compareAndSet(false, true)) {
                return false;
            }
            ScheduledFuture<?> timer = deadlineTimer;
            if (timer != null) {
                timer.cancel(false);
            }
            return true;
        }

        /** Sends the answer and frees the call's slot, whatever happens to the write. */
        private void respond(Status status, com.google.protobuf.MessageLite response) {
            try {
                var builder = io.jshim.ttrpc.proto.Response.newBuilder().setStatus(status.toProto());
                if (response != null) {
                    ByteString payload = response.toByteString();
                    builder.setPayload(payload);
                    if (builder.build().getSerializedSize() > Frames.MAX_DATA_LENGTH) {
                        log.warn("refusing to send oversized response conn={} stream={} length={}",
                                id, Integer.toUnsignedString(streamId), payload.size());
                        builder = io.jshim.ttrpc.proto.Response.newBuilder().setStatus(Status.RESOURCE_EXHAUSTED
                                .withDescription(Frames.refuseToSendMessage(payload.size())).toProto());
                    }
                }
                send(streamId, builder.build());
            } finally {
                active.remove(streamId, this);
                inFlightPermits.release();
            }
        }
    }
}
