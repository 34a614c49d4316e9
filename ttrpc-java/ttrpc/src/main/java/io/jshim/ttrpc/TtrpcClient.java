package io.jshim.ttrpc;

import static java.util.Objects.requireNonNull;

import com.google.protobuf.InvalidProtocolBufferException;
import com.google.protobuf.MessageLite;
import java.io.IOException;
import java.io.InterruptedIOException;
import java.net.StandardProtocolFamily;
import java.net.UnixDomainSocketAddress;
import java.nio.channels.SocketChannel;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A TTRPC client over one Unix-domain connection. Thread-safe: any number of threads may call at
 * once; calls are multiplexed on the connection (odd stream ids) and answered in any order.
 *
 * <pre>{@code
 * try (TtrpcClient client = TtrpcClient.connect(Path.of("/run/shim.sock"))) {
 *     var stub = TaskTtrpc.newBlockingStub(client).withDeadline(Duration.ofSeconds(5));
 *     var response = stub.state(StateRequest.newBuilder().setId("c1").build());
 * }
 * }</pre>
 *
 * When the peer goes away, pending and later calls fail with {@code UNAVAILABLE}.
 */
public final class TtrpcClient implements AutoCloseable {

    private static final Logger log = LoggerFactory.getLogger(TtrpcClient.class);

    private final SocketChannel channel;
    private final String peerName;
    private final FrameReader reader;
    private final FrameWriter writer;
    private final List<ClientInterceptor> interceptors;
    private final Runnable onClose;
    private final ConcurrentHashMap<Integer, CompletableFuture<Frames.Frame>> pending = new ConcurrentHashMap<>();
    private final ConcurrentHashMap<Integer, ClientStreamCall<?, ?>> streams = new ConcurrentHashMap<>();
    private final Duration writeTimeout;
    private final AtomicInteger nextStreamId = new AtomicInteger(1);
    private final AtomicBoolean closed = new AtomicBoolean();
    private final CompletableFuture<Void> closedFuture = new CompletableFuture<>();
    private final Thread readerThread;
    private volatile Status closeStatus;

    private TtrpcClient(SocketChannel channel, String peerName, List<ClientInterceptor> interceptors,
            Runnable onClose, Duration writeTimeout) {
        this.channel = channel;
        this.peerName = peerName;
        this.reader = new FrameReader(channel);
        this.writer = new FrameWriter(channel, writeTimeout);
        this.writeTimeout = writeTimeout;
        this.interceptors = List.copyOf(interceptors);
        this.onClose = onClose;
        this.readerThread = Thread.ofVirtual().name("ttrpc-client-reader").start(this::readLoop);
    }

    /**
     * @param socketPath the server's socket
     * @return a connected client without interceptors
     * @throws IOException when the connection fails
     */
    public static TtrpcClient connect(Path socketPath) throws IOException {
        return builder().connect(socketPath);
    }

    /** @return a builder for clients with interceptors or an on-close callback */
    public static Builder builder() {
        return new Builder();
    }

    /**
     * Calls a unary method without deadline or metadata.
     *
     * @param method the method
     * @param request the request
     * @param <Req> request type
     * @param <Resp> response type
     * @return the response
     * @throws TtrpcException with the server's status, or {@code UNAVAILABLE}, {@code DEADLINE_EXCEEDED},
     *     {@code RESOURCE_EXHAUSTED}, {@code CANCELLED} (interrupted) for local failures
     */
    public <Req extends MessageLite, Resp extends MessageLite> Resp call(MethodDescriptor<Req, Resp> method, Req request) {
        return call(method, request, CallOptions.DEFAULT);
    }

    /**
     * Calls a unary method.
     *
     * @param method the method
     * @param request the request
     * @param options deadline and metadata
     * @param <Req> request type
     * @param <Resp> response type
     * @return the response
     * @throws TtrpcException as {@link #call(MethodDescriptor, MessageLite)}
     */
    public <Req extends MessageLite, Resp extends MessageLite> Resp call(MethodDescriptor<Req, Resp> method, Req request,
            CallOptions options) {
        requireNonNull(method, "method is null");
        requireNonNull(request, "request is null");
        requireNonNull(options, "options is null");
        MessageLite response = chain(0, method).proceed(request, options);
        @SuppressWarnings("unchecked")
        Resp typed = (Resp) response;
        return typed;
    }

    /**
     * Opens a streaming call (client, server or bidi streaming) on this connection, alongside any other
     * calls. Client interceptors see unary calls only.
     *
     * @param method a streaming method
     * @param options deadline (for the whole stream, from now) and metadata
     * @param <Req> request type
     * @param <Resp> response type
     * @return the open stream; for a server-streaming method, {@link ClientStream#send} the one request first
     * @throws IllegalArgumentException when the method is unary
     * @throws TtrpcException {@code UNAVAILABLE} when the connection is closed, {@code DEADLINE_EXCEEDED}
     *     when the deadline is not positive
     */
    public <Req extends MessageLite, Resp extends MessageLite> ClientStream<Req, Resp> newStream(
            MethodDescriptor<Req, Resp> method, CallOptions options) {
        requireNonNull(method, "method is null");
        requireNonNull(options, "options is null");
        if (method.type() == MethodDescriptor.Type.UNARY) {
            throw new IllegalArgumentException("method " + method.fullMethodName() + " is unary: use call");
        }
        long deadline = 0;
        if (options.deadline().isPresent()) {
            long timeoutNanos = options.deadline().get().toNanos();
            if (timeoutNanos <= 0) {
                throw Status.DEADLINE_EXCEEDED.withDescription("deadline of " + method.fullMethodName() + " expired before the call").asException();
            }
            deadline = System.nanoTime() + timeoutNanos;
            if (deadline == 0) {
                deadline = 1;
            }
        }
        Status gone = closeStatus;
        if (gone != null) {
            throw gone.asException();
        }
        var request = io.jshim.ttrpc.proto.Request.newBuilder().setService(method.service()).setMethod(method.method());
        options.metadata().addTo(request);
        ClientStreamCall<Req, Resp> stream = new ClientStreamCall<>(this, method, request, deadline);
        if (method.type().clientStreaming()) {
            stream.open(null);
        }
        return stream;
    }

    /** Gives the stream the next id and routes that id's frames to it; @return the id */
    int registerStream(ClientStreamCall<?, ?> stream) {
        Status gone = closeStatus;
        if (gone != null) {
            throw gone.asException();
        }
        int streamId = nextStreamId.getAndAdd(2);
        streams.put(streamId, stream);
        if (closeStatus != null) {
            streams.remove(streamId);
            throw closeStatus.asException();
        }
        return streamId;
    }

    void forgetStream(int streamId, ClientStreamCall<?, ?> stream) {
        streams.remove(streamId, stream);
    }

    void writeStreamFrame(int streamId, byte type, byte flags, MessageLite message, MethodDescriptor<?, ?> method) {
        Status gone = closeStatus;
        if (gone != null) {
            throw gone.asException();
        }
        try {
            writer.write(streamId, type, flags, message);
        } catch (IOException e) {
            Status status = Status.UNAVAILABLE.withDescription("failed to send " + method.fullMethodName() + " to " + peerName + ": " + e.getMessage());
            shutDown(status);
            throw status.asException(e);
        }
    }

    /** Runs on the reader: queues a frame for its stream, failing the stream when its user does not read. */
    private void deliverToStream(Frames.Frame frame) throws InterruptedIOException {
        ClientStreamCall<?, ?> stream = streams.get(frame.streamId());
        if (stream == null) {
            log.debug("{} frame for unknown or abandoned stream peer={} stream={}", Frames.typeName(frame.type()), peerName,
                    Integer.toUnsignedString(frame.streamId()));
            return;
        }
        boolean last = frame.type() == Frames.TYPE_RESPONSE || (frame.flags() & Frames.FLAG_REMOTE_CLOSED) != 0;
        if (last) {
            streams.remove(frame.streamId(), stream);
        }
        try {
            if (!stream.inbox.put(frame, writeTimeout.toNanos())) {
                streams.remove(frame.streamId(), stream);
                log.warn("failing stream whose user does not read peer={} stream={}", peerName, Integer.toUnsignedString(frame.streamId()));
                stream.inbox.fail(Status.RESOURCE_EXHAUSTED.withDescription(stream + " was not read for " + writeTimeout.toMillis() + "ms"));
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new InterruptedIOException("interrupted delivering to " + stream);
        }
    }

    private ClientInterceptor.Next chain(int index, MethodDescriptor<?, ?> method) {
        if (index == interceptors.size()) {
            return (request, options) -> invoke(method, request, options);
        }
        ClientInterceptor interceptor = interceptors.get(index);
        ClientInterceptor.Next rest = chain(index + 1, method);
        return (request, options) -> interceptor.interceptCall(method, request, options, rest);
    }

    private MessageLite invoke(MethodDescriptor<?, ?> method, MessageLite request, CallOptions options) {
        long start = System.nanoTime();
        var builder = io.jshim.ttrpc.proto.Request.newBuilder()
                .setService(method.service())
                .setMethod(method.method())
                .setPayload(request.toByteString());
        long timeoutNanos = options.deadline().map(Duration::toNanos).orElse(0L);
        if (options.deadline().isPresent()) {
            if (timeoutNanos <= 0) {
                throw Status.DEADLINE_EXCEEDED.withDescription("deadline of " + method.fullMethodName() + " expired before the call").asException();
            }
            builder.setTimeoutNano(timeoutNanos);
        }
        options.metadata().addTo(builder);
        io.jshim.ttrpc.proto.Request wire = builder.build();
        int size = wire.getSerializedSize();
        if (size > Frames.MAX_DATA_LENGTH) {
            throw Status.RESOURCE_EXHAUSTED.withDescription(Frames.refuseToSendMessage(size)).asException();
        }
        Status gone = closeStatus;
        if (gone != null) {
            throw gone.asException();
        }
        int streamId = nextStreamId.getAndAdd(2);
        CompletableFuture<Frames.Frame> answer = new CompletableFuture<>();
        pending.put(streamId, answer);
        if (closeStatus != null) {
            pending.remove(streamId);
            throw closeStatus.asException();
        }
        try {
            writer.write(streamId, Frames.TYPE_REQUEST, (byte) 0, wire);
        } catch (IOException e) {
            pending.remove(streamId);
            Status status = Status.UNAVAILABLE.withDescription("failed to send " + method.fullMethodName() + " to " + peerName + ": " + e.getMessage());
            shutDown(status);
            throw status.asException(e);
        }
        Frames.Frame frame = await(method, streamId, answer, timeoutNanos == 0 ? 0 : start + timeoutNanos);
        if (frame.oversized()) {
            throw Status.RESOURCE_EXHAUSTED.withDescription(Frames.oversizeMessage(frame.length())).asException();
        }
        io.jshim.ttrpc.proto.Response response;
        try {
            response = io.jshim.ttrpc.proto.Response.parseFrom(frame.data());
        } catch (InvalidProtocolBufferException e) {
            throw Status.INTERNAL.withDescription("failed to parse response of " + method.fullMethodName() + ": " + e.getMessage()).asException(e);
        }
        if (response.hasStatus() && response.getStatus().getCode() != 0) {
            throw Status.fromProto(response.getStatus()).asException();
        }
        try {
            return method.responseParser().parseFrom(response.getPayload());
        } catch (InvalidProtocolBufferException e) {
            throw Status.INTERNAL.withDescription("failed to parse response payload of " + method.fullMethodName() + ": " + e.getMessage()).asException(e);
        }
    }

    private Frames.Frame await(MethodDescriptor<?, ?> method, int streamId, CompletableFuture<Frames.Frame> answer, long deadline) {
        try {
            if (deadline == 0) {
                return answer.get();
            }
            return answer.get(deadline - System.nanoTime(), TimeUnit.NANOSECONDS);
        } catch (TimeoutException e) {
            pending.remove(streamId);
            throw Status.DEADLINE_EXCEEDED.withDescription("deadline exceeded waiting for " + method.fullMethodName()).asException();
        } catch (InterruptedException e) {
            pending.remove(streamId);
            Thread.currentThread().interrupt();
            throw Status.CANCELLED.withDescription("interrupted waiting for " + method.fullMethodName()).asException(e);
        } catch (ExecutionException e) {
            throw e.getCause() instanceof TtrpcException t ? t : Status.fromThrowable(e.getCause()).asException(e.getCause());
        }
    }

    private void readLoop() {
        Status status;
        try {
            Frames.Frame frame;
            while ((frame = reader.next()) != null) {
                if (frame.type() == Frames.TYPE_DATA) {
                    deliverToStream(frame);
                    continue;
                }
                if (frame.type() != Frames.TYPE_RESPONSE) {
                    log.warn("ignoring {} frame from server peer={} stream={}", Frames.typeName(frame.type()), peerName,
                            Integer.toUnsignedString(frame.streamId()));
                    continue;
                }
                CompletableFuture<Frames.Frame> answer = pending.remove(frame.streamId());
                if (answer == null && streams.containsKey(frame.streamId())) {
                    deliverToStream(frame);
                    continue;
                }
                if (answer == null) {
                    log.debug("response for unknown or abandoned stream peer={} stream={}", peerName, Integer.toUnsignedString(frame.streamId()));
                    continue;
                }
                answer.complete(frame);
            }
            status = Status.UNAVAILABLE.withDescription("ttrpc connection to " + peerName + " closed by the server");
        } catch (IOException e) {
            status = closed.get()
                    ? Status.UNAVAILABLE.withDescription("ttrpc client to " + peerName + " is closed")
                    : Status.UNAVAILABLE.withDescription("ttrpc connection to " + peerName + " failed: " + e.getMessage());
        }
        shutDown(status);
        try {
            onClose.run();
        } catch (RuntimeException e) {
            log.warn("ttrpc client on-close callback failed peer={}", peerName, e);
        } finally {
            closedFuture.complete(null);
        }
    }

    private void shutDown(Status status) {
        if (closeStatus == null) {
            closeStatus = status;
        }
        if (closed.compareAndSet(false, true)) {
            try {
                channel.close();
            } catch (IOException e) {
                log.debug("failed to close ttrpc client socket peer={}: {}", peerName, e.toString());
            }
        }
        streams.keySet().forEach(id -> {
            ClientStreamCall<?, ?> stream = streams.remove(id);
            if (stream != null) {
                stream.inbox.fail(closeStatus);
            }
        });
        pending.keySet().forEach(id -> {
            CompletableFuture<Frames.Frame> answer = pending.remove(id);
            if (answer != null) {
                answer.completeExceptionally(closeStatus.asException());
            }
        });
    }

    /** @return true once the connection is closed, by {@link #close()} or by the peer */
    public boolean isClosed() {
        return closed.get();
    }

    /** @return completes after the connection closed and the on-close callback ran */
    public CompletableFuture<Void> onClosed() {
        return closedFuture.copy();
    }

    /** Closes the connection; pending calls fail with {@code UNAVAILABLE}; waits for the on-close callback. */
    @Override
    public void close() {
        shutDown(Status.UNAVAILABLE.withDescription("ttrpc client to " + peerName + " is closed"));
        try {
            readerThread.join(Duration.ofSeconds(5));
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    /** Configures clients. */
    public static final class Builder {
        private final List<ClientInterceptor> interceptors = new ArrayList<>();
        private Runnable onClose = () -> { };
        private Duration writeTimeout = Duration.ofSeconds(10);

        private Builder() {
        }

        /**
         * @param interceptor wraps every call; the first added is the outermost
         * @return this builder
         */
        public Builder intercept(ClientInterceptor interceptor) {
            interceptors.add(requireNonNull(interceptor, "interceptor is null"));
            return this;
        }

        /**
         * @param callback runs once when the connection closes, whether by {@link TtrpcClient#close()} or by the peer
         * @return this builder
         */
        public Builder onClose(Runnable callback) {
            this.onClose = requireNonNull(callback, "callback is null");
            return this;
        }

        /**
         * @param timeout how long a call may wait to write its request before failing with {@code UNAVAILABLE}
         * @return this builder
         */
        public Builder writeTimeout(Duration timeout) {
            this.writeTimeout = requireNonNull(timeout, "timeout is null");
            return this;
        }

        /**
         * @param socketPath the server's Unix socket
         * @return a connected client
         * @throws IOException when the connection fails
         */
        public TtrpcClient connect(Path socketPath) throws IOException {
            requireNonNull(socketPath, "socketPath is null");
            SocketChannel channel = SocketChannel.open(StandardProtocolFamily.UNIX);
            try {
                channel.connect(UnixDomainSocketAddress.of(socketPath));
            } catch (IOException e) {
                channel.close();
                throw new IOException("failed to connect to ttrpc socket " + socketPath + ": " + e.getMessage(), e);
            }
            return new TtrpcClient(channel, socketPath.toString(), interceptors, onClose, writeTimeout);
        }

        /**
         * @param connected an already connected Unix-domain channel in blocking mode; the client owns it
         * @return a client over the channel
         */
        public TtrpcClient build(SocketChannel connected) {
            requireNonNull(connected, "connected is null");
            return new TtrpcClient(connected, String.valueOf(remote(connected)), interceptors, onClose, writeTimeout);
        }

        private static Object remote(SocketChannel channel) {
            try {
                return channel.getRemoteAddress();
            } catch (IOException e) {
                return "unknown";
            }
        }
    }
}
