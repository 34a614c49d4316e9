package io.jshim.ttrpc;

import static java.util.Objects.requireNonNull;

import com.google.protobuf.MessageLite;
import com.google.protobuf.Parser;

/**
 * An immutable description of one TTRPC method: service and method names, whether it streams and
 * the parsers of its request and response messages. Generated {@code FooTtrpc} classes hold one per RPC.
 *
 * @param <Req> the request message type
 * @param <Resp> the response message type
 */
public final class MethodDescriptor<Req extends MessageLite, Resp extends MessageLite> {

    private final String service;
    private final String method;
    private final Parser<Req> requestParser;
    private final Parser<Resp> responseParser;
    private final Type type;

    /** How a method exchanges messages, as the proto's {@code stream} keywords declare. */
    public enum Type {
        /** One request, one response. */
        UNARY(false, false),
        /** A stream of requests, one response. */
        CLIENT_STREAMING(true, false),
        /** One request, a stream of responses. */
        SERVER_STREAMING(false, true),
        /** Streams in both directions. */
        BIDI_STREAMING(true, true);

        private final boolean clientStreaming;
        private final boolean serverStreaming;

        Type(boolean clientStreaming, boolean serverStreaming) {
            this.clientStreaming = clientStreaming;
            this.serverStreaming = serverStreaming;
        }

        /** @return true when the client sends a stream of requests */
        public boolean clientStreaming() {
            return clientStreaming;
        }

        /** @return true when the server sends a stream of responses */
        public boolean serverStreaming() {
            return serverStreaming;
        }

        /**
         * @param clientStreaming the proto's {@code stream} on the request
         * @param serverStreaming the proto's {@code stream} on the response
         * @return the matching type
         */
        public static Type of(boolean clientStreaming, boolean serverStreaming) {
            if (clientStreaming) {
                return serverStreaming ? BIDI_STREAMING : CLIENT_STREAMING;
            }
            return serverStreaming ? SERVER_STREAMING : UNARY;
        }
    }

    private MethodDescriptor(String service, String method, Type type, Parser<Req> requestParser, Parser<Resp> responseParser) {
        this.service = service;
        this.method = method;
        this.type = type;
        this.requestParser = requestParser;
        this.responseParser = responseParser;
    }

    /**
     * @param service the fully qualified proto service name, e.g. {@code containerd.task.v2.Task}
     * @param method the RPC name as declared in the proto, e.g. {@code Create}
     * @param requestParser parses the request message
     * @param responseParser parses the response message
     * @param <Req> the request message type
     * @param <Resp> the response message type
     * @return the descriptor
     * @throws IllegalArgumentException when a name is empty or contains {@code /}
     */
    public static <Req extends MessageLite, Resp extends MessageLite> MethodDescriptor<Req, Resp> create(
            String service, String method, Parser<Req> requestParser, Parser<Resp> responseParser) {
        return create(service, method, Type.UNARY, requestParser, responseParser);
    }

    /**
     * @param service the fully qualified proto service name
     * @param method the RPC name as declared in the proto
     * @param type unary or which directions stream
     * @param requestParser parses the request messages
     * @param responseParser parses the response messages
     * @param <Req> the request message type
     * @param <Resp> the response message type
     * @return the descriptor
     * @throws IllegalArgumentException when a name is empty or contains {@code /}
     */
    public static <Req extends MessageLite, Resp extends MessageLite> MethodDescriptor<Req, Resp> create(
            String service, String method, Type type, Parser<Req> requestParser, Parser<Resp> responseParser) {
        requireNonNull(type, "type is null");
        requireNonNull(service, "service is null");
        requireNonNull(method, "method is null");
        requireNonNull(requestParser, "requestParser is null");
        requireNonNull(responseParser, "responseParser is null");
        if (service.isEmpty() || service.contains("/")) {
            throw new IllegalArgumentException("invalid service name '" + service + "' for method '" + method + "'");
        }
        if (method.isEmpty() || method.contains("/")) {
            throw new IllegalArgumentException("invalid method name '" + method + "' in service '" + service + "'");
        }
        return new MethodDescriptor<>(service, method, type, requestParser, responseParser);
    }

    /** @return the fully qualified service name */
    public String service() {
        return service;
    }

    /** @return the method name */
    public String method() {
        return method;
    }

    /** @return unary or which directions stream */
    public Type type() {
        return type;
    }

    /** @return {@code service/method} */
    public String fullMethodName() {
        return service + "/" + method;
    }

    /** @return the request parser */
    public Parser<Req> requestParser() {
        return requestParser;
    }

    /** @return the response parser */
    public Parser<Resp> responseParser() {
        return responseParser;
    }

    @Override
    public String toString() {
        return "MethodDescriptor[" + fullMethodName() + "]";
    }
}
