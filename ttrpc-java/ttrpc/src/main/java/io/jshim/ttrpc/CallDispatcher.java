package io.jshim.ttrpc;

import com.google.protobuf.InvalidProtocolBufferException;
import com.google.protobuf.MessageLite;
import java.util.List;
import java.util.Map;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Resolves a request to its method, parses the payload and runs the interceptor chain and handler;
 * maps every outcome to a status. Knows nothing about connections.
 */
final class CallDispatcher {

    private static final Logger log = LoggerFactory.getLogger(CallDispatcher.class);

    private final Map<String, ServiceDefinition> services;
    private final List<ServerInterceptor> interceptors;

    CallDispatcher(Map<String, ServiceDefinition> services, List<ServerInterceptor> interceptors) {
        this.services = Map.copyOf(services);
        this.interceptors = List.copyOf(interceptors);
    }

    /** The outcome of a call: either an OK response or a failed status. */
    record Outcome(Status status, MessageLite response) {
        static Outcome failed(Status status) {
            return new Outcome(status, null);
        }
    }

    /** @return the streaming method the context names, or null when it names a unary or unknown one */
    ServiceDefinition.ServerMethod<?, ?> streamingMethod(RequestContext context) {
        ServiceDefinition service = services.get(context.service());
        ServiceDefinition.ServerMethod<?, ?> method = service == null ? null : service.method(context.method());
        return method != null && method.streaming() ? method : null;
    }

    /** Runs the interceptors' stream hooks and the streaming handler; maps the outcome to a status. */
    Outcome dispatchStream(RequestContext context, ServiceDefinition.ServerMethod<?, ?> method, ServerStream<?, ?> stream) {
        try {
            MessageLite response = context.callWithin(() -> streamChain(0, context, method, stream).proceed());
            if (response == null && !method.descriptor().type().serverStreaming()) {
                return Outcome.failed(Status.INTERNAL.withDescription("handler of " + context.fullMethodName() + " returned null"));
            }
            return new Outcome(Status.OK, method.descriptor().type().serverStreaming() ? null : response);
        } catch (Exception | Error e) {
            return failure(context, e);
        }
    }

    private ServerInterceptor.StreamNext streamChain(int index, RequestContext context,
            ServiceDefinition.ServerMethod<?, ?> method, ServerStream<?, ?> stream) {
        if (index == interceptors.size()) {
            return () -> method.invokeStream(stream);
        }
        ServerInterceptor interceptor = interceptors.get(index);
        ServerInterceptor.StreamNext rest = streamChain(index + 1, context, method, stream);
        return () -> interceptor.interceptStream(context, rest);
    }

    private static Outcome failure(RequestContext context, Throwable e) {
        if (e instanceof TtrpcException t) {
            log.debug("call failed method={} status={}", context.fullMethodName(), t.status());
            return Outcome.failed(t.status());
        }
        Status status = Status.fromThrowable(e);
        if (status.code() == Status.Code.UNKNOWN) {
            log.warn("handler failed method={} error={}", context.fullMethodName(), e.toString(), e);
        }
        return Outcome.failed(status);
    }

    Outcome dispatch(RequestContext context, com.google.protobuf.ByteString payload) {
        ServiceDefinition service = services.get(context.service());
        if (service == null) {
            return Outcome.failed(Status.UNIMPLEMENTED.withDescription("unknown service " + context.service()));
        }
        ServiceDefinition.ServerMethod<?, ?> method = service.method(context.method());
        if (method == null) {
            return Outcome.failed(Status.UNIMPLEMENTED.withDescription("unknown method " + context.fullMethodName()));
        }
        if (method.streaming()) {
            return Outcome.failed(Status.INTERNAL.withDescription("streaming method " + context.fullMethodName() + " called as unary"));
        }
        MessageLite request;
        try {
            request = method.descriptor().requestParser().parseFrom(payload);
        } catch (InvalidProtocolBufferException e) {
            return Outcome.failed(Status.INTERNAL.withDescription(
                    "ttrpc: error unmarshalling payload of " + context.fullMethodName() + ": " + e.getMessage()));
        }
        try {
            MessageLite response = context.callWithin(() -> chain(0, context, method).proceed(request));
            if (response == null) {
                return Outcome.failed(Status.INTERNAL.withDescription("handler of " + context.fullMethodName() + " returned null"));
            }
            return new Outcome(Status.OK, response);
        } catch (TtrpcException e) {
            log.debug("call failed method={} status={}", context.fullMethodName(), e.status());
            return Outcome.failed(e.status());
        } catch (Exception | Error e) {
            Status status = Status.fromThrowable(e);
            if (status.code() == Status.Code.UNKNOWN) {
                log.warn("handler failed method={} error={}", context.fullMethodName(), e.toString(), e);
            }
            return Outcome.failed(status);
        }
    }

    private ServerInterceptor.Next chain(int index, RequestContext context, ServiceDefinition.ServerMethod<?, ?> method) {
        if (index == interceptors.size()) {
            return method::invoke;
        }
        ServerInterceptor interceptor = interceptors.get(index);
        ServerInterceptor.Next rest = chain(index + 1, context, method);
        return request -> interceptor.interceptUnary(context, request, rest);
    }
}
