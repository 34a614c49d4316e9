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
            Frames.Header header;
            while (!closed.get() && (header = reader.nextHeader()) != null) {
                if (!acceptHeader(header) || !handle(reader.payload(header))) {
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
        // the pid is read only if a log asks for it, while this connection is open (see PeerCredentials)
        PeerCredentials credentials = PeerCredentials.readingPid(principal.user(), principal.group(),
                () -> settings.peerPids().pidOf(channel));
        try {
            settings.peerCheck().check(credentials);
        } catch (SecurityException e) {
            log.warn("refusing connection conn={} {} reason=\"{}\"", id, peerFields(credentials), e.getMessage());
            return false;
        }
        peer = Optional.of(credentials);
        return true;
    }

    /**
     * Judges a frame from its header alone, before any of its data is read. A frame of a type a client
     * does not send (a response, or a type unknown to ttrpc) closes the connection at once; so does a
     * declared length over {@link Frames#MAX_DISCARD_LENGTH}, after a request's stream is answered
     * {@code RESOURCE_EXHAUSTED}. Go's server instead reads and ignores a frame of an unknown type and
     * keeps the connection, and reads to skip the data of any declared length: we close because a peer
     * that sends either is out of step with the framing, and the data it promised may never come.
     *
     * @return false when the connection must be closed
     */
    private boolean acceptHeader(Frames.Header header) {
        String stream = Integer.toUnsignedString(header.streamId());
        if (header.type() != Frames.TYPE_REQUEST && header.type() != Frames.TYPE_DATA) {
            log.warn("closing connection conn={} {} stream={} type={} length={} reason=\"a client does not send this frame type\"",
                    id, peerFields(), stream, Frames.typeName(header.type()), header.length());
            return false;
        }
        if (!header.garbageLength()) {
            return true;
        }
        log.warn("closing connection conn={} {} stream={} type={} length={} limit={} reason=\"declared length too large to skip\"",
                id, peerFields(), stream, Frames.typeName(header.type()), header.length(), Frames.MAX_DISCARD_LENGTH);
        if (header.type() == Frames.TYPE_REQUEST) {
            respondStatus(header.streamId(), Status.RESOURCE_EXHAUSTED.withDescription(Frames.oversizeMessage(header.length())));
        }
        return false;
    }

    /** @return the peer's user, group and pid as log fields */
    private String peerFields() {
        return peer.map(ServerConnection::peerFields).orElse("peer=unknown");
    }

    private static String peerFields(PeerCredentials peer) {
        OptionalLong pid = peer.pid();
        return "peer_user=" + peer.user().getName() + " peer_group=" + peer.group().getName()
                + " peer_pid=" + (pid.isPresent() ? Long.toString(pid.getAsLong()) : "unknown");
    }

    /** @return false when the connection must be closed */
    private boolean handle(Frames.Frame frame) throws InterruptedException {
        int streamId = frame.streamId();
        if (frame.oversized()) {
            log.warn("refusing oversized frame conn={} {} stream={} type={} length={} limit={}",
                    id, peerFields(), Integer.toUnsignedString(streamId), Frames.typeName(frame.type()), frame.length(), Frames.MAX_DATA_LENGTH);
            return respondStatus(streamId, Status.RESOURCE_EXHAUSTED.withDescription(Frames.oversizeMessage(frame.length())));
        }
        switch (frame.type()) {
            case Frames.TYPE_REQUEST -> {
                return handleRequest(frame);
            }
            case Frames.TYPE_DATA -> {
                Call target = active.get(streamId);
                if (target != null && target.stream != null) {
                    return target.stream.deliver(frame);
                }
                if (target != null) {
                    log.warn("closing connection conn={} reason=\"data frame on unary stream {}\"", id, Integer.toUnsignedString(streamId));
                    return false;
                }
                log.warn("answering data frame for unknown stream conn={} stream={}", id, Integer.toUnsignedString(streamId));
                return respondStatus(streamId, Status.INVALID_ARGUMENT.withDescription(
                        "stream " + Integer.toUnsignedString(streamId) + " is not active"));
            }
            default -> throw new IllegalStateException("frame of type " + Frames.typeName(frame.type()) + " passed the header check");
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
        ServiceDefinition.ServerMethod<?, ?> streaming = dispatcher.streamingMethod(context);
        if (streaming == null) {
            Thread.ofVirtual().name("ttrpc-call-" + id + "-" + Integer.toUnsignedString(streamId))
                    .start(() -> call.run(context, () -> dispatcher.dispatch(context, request.getPayload())));
            return true;
        }
        Stream stream = new Stream(call, context, streaming);
        call.stream = stream;
        // as Go's ttrpc: the request frame's payload is the first message; the receiving side stays
        // open only for client-streaming methods
        boolean clientStreaming = streaming.descriptor().type().clientStreaming();
        if (!clientStreaming || !request.getPayload().isEmpty()) {
            stream.offerFirst(request.getPayload());
        }
        if (!clientStreaming) {
            stream.inbox.end();
        }
        Thread.ofVirtual().name("ttrpc-stream-" + id + "-" + Integer.toUnsignedString(streamId))
                .start(() -> call.run(context, () -> dispatcher.dispatchStream(context, streaming, stream)));
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

    private void sendData(int streamId, byte flags, com.google.protobuf.MessageLite message) {
        try {
            writer.write(streamId, Frames.TYPE_DATA, flags, message);
        } catch (IOException e) {
            if (!closed.get()) {
                log.warn("closing connection conn={} reason=\"failed to write data on stream {}: {}\"",
                        id, Integer.toUnsignedString(streamId), e.getMessage());
                close();
            }
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
            active.values().forEach(call -> {
                if (call.stream != null) {
                    call.stream.inbox.fail(Status.UNAVAILABLE.withDescription("connection closed while serving " + call.stream.context.fullMethodName()));
                }
            });
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
        /** Set for a streaming call before its handler starts. */
        volatile Stream stream;

        Call(int streamId) {
            this.streamId = streamId;
        }

        void run(RequestContext context, java.util.function.Supplier<CallDispatcher.Outcome> dispatch) {
            thread = Thread.currentThread(); // before reading `closed`: a close after this interrupts it
            try {
                if (closed.get()) {
                    finish(Status.UNAVAILABLE.withDescription("connection closed before serving " + context.fullMethodName()), null);
                    return;
                }
                context.remaining().ifPresent(left -> deadlineTimer = timers.schedule(
                        () -> startExpiry(context), Math.max(0, left.toNanos()), TimeUnit.NANOSECONDS));
                CallDispatcher.Outcome outcome = dispatch.get();
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
            abort(Status.DEADLINE_EXCEEDED.withDescription("deadline exceeded serving " + context.fullMethodName()));
        }

        /** Ends the call now with a failed status, unless it has already been answered. */
        void abort(Status status) {
            if (claim()) {
                Stream s = stream;
                if (s != null) {
                    s.inbox.fail(status);
                }
                interrupt();
                respond(status, null);
            }
        }

        /**
         * Interrupts the handler, never in the middle of a stream's data write: interrupting a thread
         * blocked in a channel write would close the whole connection.
         */
        void interrupt() {
            Thread t = thread;
            if (t == null) {
                return;
            }
            Stream s = stream;
            if (s == null) {
                t.interrupt();
                return;
            }
            s.sendLock.lock();
            try {
                t.interrupt();
            } finally {
                s.sendLock.unlock();
            }
        }

        boolean answered() {
            return answered.get();
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
                Stream s = stream;
                if (s != null && s.method.descriptor().type().serverStreaming() && status.code() == Status.Code.OK) {
                    // as Go's ttrpc: a server stream that ends well ends with an empty closing data frame
                    sendData(streamId, (byte) (Frames.FLAG_REMOTE_CLOSED | Frames.FLAG_NO_DATA), com.google.protobuf.Empty.getDefaultInstance());
                    return;
                }
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

    /**
     * The server side of one streaming call: the reader delivers the client's data frames into a
     * bounded inbox (waiting at most the write timeout for a handler that does not read, then the call
     * fails), the handler sends data frames directly (waiting at most the write timeout for a client
     * that does not read, then the connection closes).
     */
    private final class Stream implements ServerStream<com.google.protobuf.MessageLite, com.google.protobuf.MessageLite> {
        final Call call;
        final RequestContext context;
        final ServiceDefinition.ServerMethod<?, ?> method;
        final StreamInbox<com.google.protobuf.MessageLite> inbox = new StreamInbox<>();
        final java.util.concurrent.locks.ReentrantLock sendLock = new java.util.concurrent.locks.ReentrantLock();

        Stream(Call call, RequestContext context, ServiceDefinition.ServerMethod<?, ?> method) {
            this.call = call;
            this.context = context;
            this.method = method;
        }

        /** Queues the request frame's payload; the inbox is empty, so this never waits. */
        void offerFirst(ByteString payload) throws InterruptedException {
            try {
                inbox.put(method.descriptor().requestParser().parseFrom(payload), 0);
            } catch (InvalidProtocolBufferException e) {
                inbox.fail(Status.INTERNAL.withDescription("ttrpc: error unmarshalling payload of " + context.fullMethodName() + ": " + e.getMessage()));
            }
        }

        /** Runs on the reader. @return false when the connection must be closed */
        boolean deliver(Frames.Frame frame) throws InterruptedException {
            if ((frame.flags() & Frames.FLAG_NO_DATA) == 0) {
                com.google.protobuf.MessageLite message;
                try {
                    message = method.descriptor().requestParser().parseFrom(frame.data());
                } catch (InvalidProtocolBufferException e) {
                    abortLater(Status.INVALID_ARGUMENT.withDescription("data handling error on " + context.fullMethodName() + ": " + e.getMessage()));
                    return !closed.get();
                }
                if (!inbox.put(message, settings.writeTimeout().toNanos())) {
                    log.warn("failing stream whose handler does not read conn={} stream={} method={}",
                            id, Integer.toUnsignedString(call.streamId), context.fullMethodName());
                    abortLater(Status.RESOURCE_EXHAUSTED.withDescription("handler of " + context.fullMethodName()
                            + " did not read its stream for " + settings.writeTimeout().toMillis() + "ms"));
                    return !closed.get();
                }
            }
            if ((frame.flags() & Frames.FLAG_REMOTE_CLOSED) != 0) {
                inbox.end();
                if (frame.data().length > 0) {
                    // as Go's server: the data (if flagged as data) was delivered, the stream fails
                    abortLater(Status.INVALID_ARGUMENT.withDescription("data close message cannot include data"));
                    return !closed.get();
                }
            }
            return true;
        }

        /** Fails the call off the reader thread: answering may wait for the write timeout. */
        private void abortLater(Status status) {
            inbox.fail(status);
            Thread.ofVirtual().name("ttrpc-abort-" + id + "-" + Integer.toUnsignedString(call.streamId)).start(() -> call.abort(status));
        }

        @Override
        public Optional<com.google.protobuf.MessageLite> receive() {
            try {
                return Optional.ofNullable(inbox.take(0));
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw Status.CANCELLED.withDescription("interrupted receiving on " + context.fullMethodName()).asException(e);
            } catch (java.util.concurrent.TimeoutException e) {
                throw new IllegalStateException("a take without deadline timed out", e);
            }
        }

        @Override
        public void send(com.google.protobuf.MessageLite response) {
            java.util.Objects.requireNonNull(response, "response is null");
            if (!method.descriptor().type().serverStreaming()) {
                throw new IllegalStateException("responses of " + context.fullMethodName() + " do not stream: return the response");
            }
            int size = response.getSerializedSize();
            if (size > Frames.MAX_DATA_LENGTH) {
                throw Status.RESOURCE_EXHAUSTED.withDescription(Frames.refuseToSendMessage(size)).asException();
            }
            sendLock.lock();
            try {
                if (call.answered() || Thread.currentThread().isInterrupted()) {
                    throw Status.CANCELLED.withDescription("call " + context.fullMethodName() + " is over").asException();
                }
                if (closed.get()) {
                    throw Status.UNAVAILABLE.withDescription("connection closed while serving " + context.fullMethodName()).asException();
                }
                try {
                    writer.write(call.streamId, Frames.TYPE_DATA, (byte) 0, response);
                } catch (IOException e) {
                    if (Thread.currentThread().isInterrupted()) {
                        throw Status.CANCELLED.withDescription("interrupted sending on " + context.fullMethodName()).asException(e);
                    }
                    if (!closed.get()) {
                        log.warn("closing connection conn={} reason=\"failed to write data on stream {}: {}\"",
                                id, Integer.toUnsignedString(call.streamId), e.getMessage());
                        close();
                    }
                    throw Status.UNAVAILABLE.withDescription("failed to send on " + context.fullMethodName() + ": " + e.getMessage()).asException(e);
                }
            } finally {
                sendLock.unlock();
            }
        }
    }
}
