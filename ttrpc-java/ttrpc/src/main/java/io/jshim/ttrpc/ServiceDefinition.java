package io.jshim.ttrpc;

import static java.util.Objects.requireNonNull;

import com.google.protobuf.MessageLite;
import java.util.Collection;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * An immutable service: its fully qualified name and one handler per method. Built by generated
 * {@code FooImplBase.bindService()} or by hand with {@link #builder(String)}.
 */
public final class ServiceDefinition {

    private final String name;
    private final Map<String, ServerMethod<?, ?>> methods;

    private ServiceDefinition(String name, Map<String, ServerMethod<?, ?>> methods) {
        this.name = name;
        this.methods = methods;
    }

    /**
     * @param serviceName the fully qualified proto service name
     * @return a builder for the service
     */
    public static Builder builder(String serviceName) {
        requireNonNull(serviceName, "serviceName is null");
        if (serviceName.isEmpty()) {
            throw new IllegalArgumentException("service name is empty");
        }
        return new Builder(serviceName);
    }

    /** @return the fully qualified service name */
    public String name() {
        return name;
    }

    /** @return the method names, in registration order */
    public Collection<String> methodNames() {
        return methods.keySet();
    }

    /**
     * The same methods and handlers served under another service name. For a proto service published
     * under two packages with wire-identical messages (containerd's {@code containerd.task.v2.Task} and
     * {@code containerd.task.v3.Task}), one implementation serves both: bind it once and register the
     * definition and its renamed copy. Requests to the renamed service are parsed with the same message
     * classes, so this is only correct when the two services' messages have the same fields and numbers.
     *
     * @param newServiceName the fully qualified proto service name of the copy
     * @return a new definition named {@code newServiceName}, with this definition's methods in order
     * @throws IllegalArgumentException when the name is empty or contains {@code /}
     */
    public ServiceDefinition renamed(String newServiceName) {
        Builder builder = builder(newServiceName);
        for (ServerMethod<?, ?> method : methods.values()) {
            method.addRenamedTo(builder);
        }
        return builder.build();
    }

    ServerMethod<?, ?> method(String methodName) {
        return methods.get(methodName);
    }

    @Override
    public String toString() {
        return "ServiceDefinition[" + name + " " + methods.keySet() + "]";
    }

    /** Collects the handlers of one service; rejects methods of other services and duplicates. */
    public static final class Builder {
        private final String name;
        private final Map<String, ServerMethod<?, ?>> methods = new LinkedHashMap<>();

        private Builder(String name) {
            this.name = name;
        }

        /**
         * @param method the method's descriptor; its service must be this builder's
         * @param handler serves the method
         * @param <Req> the request type
         * @param <Resp> the response type
         * @return this builder
         * @throws IllegalArgumentException when the method belongs to another service or is already added
         */
        public <Req extends MessageLite, Resp extends MessageLite> Builder addMethod(
                MethodDescriptor<Req, Resp> method, UnaryHandler<Req, Resp> handler) {
            requireNonNull(method, "method is null");
            requireNonNull(handler, "handler is null");
            if (method.type() != MethodDescriptor.Type.UNARY) {
                throw new IllegalArgumentException("method " + method.fullMethodName() + " is " + method.type()
                        + ": add it with addStreamingMethod");
            }
            return add(new ServerMethod<>(method, handler, null));
        }

        /**
         * @param method the descriptor of a client-, server- or bidi-streaming method of this builder's service
         * @param handler serves each call of the method
         * @param <Req> the request type
         * @param <Resp> the response type
         * @return this builder
         * @throws IllegalArgumentException when the method is unary, belongs to another service or is already added
         */
        public <Req extends MessageLite, Resp extends MessageLite> Builder addStreamingMethod(
                MethodDescriptor<Req, Resp> method, StreamHandler<Req, Resp> handler) {
            requireNonNull(method, "method is null");
            requireNonNull(handler, "handler is null");
            if (method.type() == MethodDescriptor.Type.UNARY) {
                throw new IllegalArgumentException("method " + method.fullMethodName() + " is unary: add it with addMethod");
            }
            return add(new ServerMethod<>(method, null, handler));
        }

        private Builder add(ServerMethod<?, ?> added) {
            MethodDescriptor<?, ?> method = added.descriptor();
            if (!method.service().equals(name)) {
                throw new IllegalArgumentException("method " + method.fullMethodName()
                        + " does not belong to service " + name);
            }
            if (methods.containsKey(method.method())) {
                throw new IllegalArgumentException("method " + method.fullMethodName() + " is already added to service " + name);
            }
            methods.put(method.method(), added);
            return this;
        }

        /** @return the immutable definition */
        public ServiceDefinition build() {
            return new ServiceDefinition(name, Collections.unmodifiableMap(new LinkedHashMap<>(methods)));
        }
    }

    /** A method and its handler (unary or streaming, the other is null), typed together. */
    record ServerMethod<Req extends MessageLite, Resp extends MessageLite>(
            MethodDescriptor<Req, Resp> descriptor, UnaryHandler<Req, Resp> handler, StreamHandler<Req, Resp> streamHandler) {

        void addRenamedTo(Builder builder) {
            MethodDescriptor<Req, Resp> renamed = MethodDescriptor.create(builder.name, descriptor.method(), descriptor.type(),
                    descriptor.requestParser(), descriptor.responseParser());
            builder.add(new ServerMethod<>(renamed, handler, streamHandler));
        }

        boolean streaming() {
            return streamHandler != null;
        }

        MessageLite invokeStream(ServerStream<?, ?> stream) throws Exception {
            @SuppressWarnings("unchecked")
            ServerStream<Req, Resp> typed = (ServerStream<Req, Resp>) stream;
            return streamHandler.handle(typed);
        }

        MessageLite invoke(MessageLite request) throws Exception {
            @SuppressWarnings("unchecked")
            Req typed = (Req) request;
            return handler.handle(typed);
        }
    }
}
