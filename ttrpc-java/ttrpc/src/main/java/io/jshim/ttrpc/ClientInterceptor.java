package io.jshim.ttrpc;

import com.google.protobuf.MessageLite;

/**
 * Wraps every call made through a {@link TtrpcClient}. Chained in registration order: the first
 * registered is the outermost.
 */
@FunctionalInterface
public interface ClientInterceptor {

    /**
     * @param method the method called
     * @param request the request
     * @param options the call's options (deadline, metadata); pass modified ones to {@code next}
     * @param next the rest of the chain, finally the transport
     * @return the response
     * @throws TtrpcException when the call fails
     */
    MessageLite interceptCall(MethodDescriptor<?, ?> method, MessageLite request, CallOptions options, Next next);

    /** The rest of a client interceptor chain. */
    @FunctionalInterface
    interface Next {
        /**
         * @param request the request to send
         * @param options the options to send it with
         * @return the response
         */
        MessageLite proceed(MessageLite request, CallOptions options);
    }
}
