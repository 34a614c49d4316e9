package io.jshim.ttrpc;

import com.google.protobuf.MessageLite;

/**
 * Wraps every unary call served by a {@link TtrpcServer}. Interceptors are chained in registration
 * order: the <b>first registered is the outermost</b>, it sees the request first and the response (or
 * failure) last. The call's {@link RequestContext} is bound while interceptors run.
 */
@FunctionalInterface
public interface ServerInterceptor {

    /**
     * @param context the call's context
     * @param request the parsed request
     * @param next the rest of the chain (the next interceptor, finally the handler)
     * @return the response to send
     * @throws Exception a failure, mapped to a status like a handler's
     */
    MessageLite interceptUnary(RequestContext context, MessageLite request, Next next) throws Exception;

    /**
     * Wraps a streaming call (client, server or bidi streaming); by default passes it on unchanged, so
     * an interceptor that must see every call (authorization, say) overrides this too.
     *
     * @param context the call's context
     * @param next the rest of the chain (the next interceptor, finally the handler)
     * @return what the rest of the chain returned (the response of a client-streaming method, else null)
     * @throws Exception a failure, mapped to a status like a handler's
     */
    default MessageLite interceptStream(RequestContext context, StreamNext next) throws Exception {
        return next.proceed();
    }

    /** The rest of the interceptor chain of a streaming call. */
    @FunctionalInterface
    interface StreamNext {
        /**
         * @return what the rest of the chain returned
         * @throws Exception the failure of the rest of the chain
         */
        MessageLite proceed() throws Exception;
    }

    /** The rest of an interceptor chain. */
    @FunctionalInterface
    interface Next {
        /**
         * @param request the request to pass on (usually the one received)
         * @return the response of the rest of the chain
         * @throws Exception the failure of the rest of the chain
         */
        MessageLite proceed(MessageLite request) throws Exception;
    }
}
