package io.jshim.ttrpc;

import static java.util.Objects.requireNonNull;

import com.google.protobuf.MessageLite;
import com.google.protobuf.Parser;

/**
 * An immutable description of one unary TTRPC method: service and method names and the parsers of
 * its request and response messages. Generated {@code FooTtrpc} classes hold one per RPC.
 *
 * @param <Req> the request message type
 * @param <Resp> the response message type
 */
public final class MethodDescriptor<Req extends MessageLite, Resp extends MessageLite> {

    private final String service;
    private final String method;
    private final Parser<Req> requestParser;
    private final Parser<Resp> responseParser;

    private MethodDescriptor(String service, String method, Parser<Req> requestParser, Parser<Resp> responseParser) {
        this.service = service;
        this.method = method;
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
        return new MethodDescriptor<>(service, method, requestParser, responseParser);
    }

    /** @return the fully qualified service name */
    public String service() {
        return service;
    }

    /** @return the method name */
    public String method() {
        return method;
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
