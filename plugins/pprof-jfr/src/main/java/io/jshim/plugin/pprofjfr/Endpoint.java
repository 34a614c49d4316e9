package io.jshim.plugin.pprofjfr;

/** One page of the debug server. Runs on a virtual thread and may block. */
@FunctionalInterface
interface Endpoint {
    /**
     * Answers one request.
     *
     * @throws EndpointException when the request is refused (becomes a 4xx answer with its message)
     * @throws Exception when the JVM could not produce what was asked (becomes a 500 answer)
     */
    Reply handle(Query query) throws Exception;
}
