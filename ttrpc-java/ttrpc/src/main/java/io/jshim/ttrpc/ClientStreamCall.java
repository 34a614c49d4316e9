package io.jshim.ttrpc;

import com.google.protobuf.InvalidProtocolBufferException;
import com.google.protobuf.MessageLite;
import java.util.Optional;
import java.util.concurrent.TimeoutException;

/**
 * One streaming call of a {@link TtrpcClient}, with the frames of containerd/ttrpc 1.2: a request
 * frame opens it (flag remote-open when requests stream, else remote-closed with the one request),
 * requests follow as data frames, a data frame flagged remote-closed and no-data ends the requests.
 * The server answers with data frames; a data frame flagged remote-closed or a response frame ends it.
 */
final class ClientStreamCall<Req extends MessageLite, Resp extends MessageLite> implements ClientStream<Req, Resp> {

    private final TtrpcClient client;
    private final MethodDescriptor<Req, Resp> method;
    private final io.jshim.ttrpc.proto.Request.Builder request;
    /** System.nanoTime() of the deadline, or 0 without deadline. */
    private final long deadline;
    final StreamInbox<Frames.Frame> inbox = new StreamInbox<>();
    private final Object sendLock = new Object();
    private volatile int streamId;
    private volatile boolean opened;
    /** Guarded by sendLock. */
    private boolean sendClosed;
    private volatile Status finalStatus;

    ClientStreamCall(TtrpcClient client, MethodDescriptor<Req, Resp> method, io.jshim.ttrpc.proto.Request.Builder request, long deadline) {
        this.client = client;
        this.method = method;
        this.request = request;
        this.deadline = deadline;
    }

    /** Sends the request frame; for streaming requests at once, else with the one request. */
    void open(MessageLite firstRequest) {
        if (deadline != 0) {
            long left = deadline - System.nanoTime();
            if (left <= 0) {
                throw end(Status.DEADLINE_EXCEEDED.withDescription("deadline of " + method.fullMethodName() + " expired before the call")).asException();
            }
            request.setTimeoutNano(left);
        }
        byte flags = Frames.FLAG_REMOTE_OPEN;
        if (firstRequest != null) {
            request.setPayload(firstRequest.toByteString());
            flags = Frames.FLAG_REMOTE_CLOSED;
        }
        io.jshim.ttrpc.proto.Request wire = request.build();
        int size = wire.getSerializedSize();
        if (size > Frames.MAX_DATA_LENGTH) {
            throw Status.RESOURCE_EXHAUSTED.withDescription(Frames.refuseToSendMessage(size)).asException();
        }
        streamId = client.registerStream(this);
        opened = true;
        write(Frames.TYPE_REQUEST, flags, wire);
    }

    int streamId() {
        return streamId;
    }

    @Override
    public void send(Req message) {
        java.util.Objects.requireNonNull(message, "request is null");
        synchronized (sendLock) {
            if (sendClosed) {
                throw new IllegalStateException("the requests of " + method.fullMethodName() + " are closed");
            }
            Status ended = finalStatus;
            if (ended != null) {
                throw ended.isOk()
                        ? new IllegalStateException("call " + method.fullMethodName() + " has ended")
                        : ended.asException();
            }
            if (!method.type().clientStreaming()) {
                sendClosed = true;
                open(message);
                return;
            }
            int size = message.getSerializedSize();
            if (size > Frames.MAX_DATA_LENGTH) {
                throw Status.RESOURCE_EXHAUSTED.withDescription(Frames.refuseToSendMessage(size)).asException();
            }
            write(Frames.TYPE_DATA, (byte) 0, message);
        }
    }

    @Override
    public void closeSend() {
        synchronized (sendLock) {
            if (sendClosed) {
                return;
            }
            sendClosed = true;
            if (method.type().clientStreaming() && finalStatus == null) {
                write(Frames.TYPE_DATA, (byte) (Frames.FLAG_REMOTE_CLOSED | Frames.FLAG_NO_DATA), com.google.protobuf.Empty.getDefaultInstance());
            }
        }
    }

    private void write(byte type, byte flags, MessageLite message) {
        try {
            client.writeStreamFrame(streamId, type, flags, message, method);
        } catch (TtrpcException e) {
            end(e.status());
            throw e;
        }
    }

    @Override
    public Optional<Resp> receive() {
        if (!opened) {
            throw new IllegalStateException("send the request of " + method.fullMethodName() + " before receiving");
        }
        while (true) {
            Status ended = finalStatus;
            if (ended != null) {
                if (!ended.isOk()) {
                    throw ended.asException();
                }
                return Optional.empty();
            }
            Frames.Frame frame;
            try {
                frame = inbox.take(deadline);
            } catch (TimeoutException e) {
                throw end(Status.DEADLINE_EXCEEDED.withDescription("deadline exceeded waiting for " + method.fullMethodName())).asException();
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw end(Status.CANCELLED.withDescription("interrupted waiting for " + method.fullMethodName())).asException(e);
            } catch (TtrpcException e) {
                throw end(e.status()).asException();
            }
            if (frame == null) {
                end(Status.OK);
                continue;
            }
            Optional<Resp> message = handle(frame);
            if (message.isPresent()) {
                return message;
            }
        }
    }

    /** @return the message the frame carries, if any; ends the call on the final frame */
    private Optional<Resp> handle(Frames.Frame frame) {
        if (frame.oversized()) {
            throw end(Status.RESOURCE_EXHAUSTED.withDescription(Frames.oversizeMessage(frame.length()))).asException();
        }
        if (frame.type() == Frames.TYPE_RESPONSE) {
            io.jshim.ttrpc.proto.Response response;
            try {
                response = io.jshim.ttrpc.proto.Response.parseFrom(frame.data());
            } catch (InvalidProtocolBufferException e) {
                throw end(Status.INTERNAL.withDescription("failed to parse response of " + method.fullMethodName() + ": " + e.getMessage())).asException(e);
            }
            if (response.hasStatus() && response.getStatus().getCode() != 0) {
                throw end(Status.fromProto(response.getStatus())).asException();
            }
            if (!method.type().serverStreaming()) {
                Resp last = parse(response.getPayload());
                end(Status.OK);
                return Optional.of(last);
            }
            end(Status.OK);
            return Optional.empty();
        }
        if (!method.type().serverStreaming()) {
            throw end(Status.INTERNAL.withDescription("unexpected data message for non-streaming server method " + method.fullMethodName())).asException();
        }
        Optional<Resp> message = Optional.empty();
        if ((frame.flags() & Frames.FLAG_NO_DATA) == 0) {
            message = Optional.of(parse(com.google.protobuf.ByteString.copyFrom(frame.data())));
        }
        if ((frame.flags() & Frames.FLAG_REMOTE_CLOSED) != 0) {
            end(Status.OK);
        }
        return message;
    }

    private Resp parse(com.google.protobuf.ByteString payload) {
        try {
            return method.responseParser().parseFrom(payload);
        } catch (InvalidProtocolBufferException e) {
            throw end(Status.INTERNAL.withDescription("failed to parse response payload of " + method.fullMethodName() + ": " + e.getMessage())).asException(e);
        }
    }

    /** Records the final status (the first wins) and forgets the stream; @return the final status */
    private synchronized Status end(Status status) {
        if (finalStatus == null) {
            finalStatus = status;
            if (opened) {
                client.forgetStream(streamId, this);
            }
        }
        return finalStatus;
    }

    @Override
    public Optional<Status> status() {
        return Optional.ofNullable(finalStatus);
    }

    @Override
    public void close() {
        if (finalStatus != null) {
            return;
        }
        try {
            closeSend(); // lets a server handler waiting for requests see their end
        } catch (TtrpcException e) {
            // the connection failed: nothing more to tell the server
        }
        end(Status.CANCELLED.withDescription("stream of " + method.fullMethodName() + " closed by the client"));
        inbox.fail(finalStatus);
    }

    @Override
    public String toString() {
        return "ClientStream[" + method.fullMethodName() + " stream=" + Integer.toUnsignedString(streamId) + "]";
    }
}
