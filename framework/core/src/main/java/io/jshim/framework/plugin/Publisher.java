package io.jshim.framework.plugin;

import com.google.protobuf.Message;

/**
 * Publishes events to containerd (the Go shim's {@code events.Publisher}). Implemented by the events
 * plugin (type {@link PluginType#EVENT}, id {@code publisher}), which {@linkplain ShimBindings#expose
 * exposes} it; a plugin that publishes events requires {@link PluginType#EVENT} and injects this interface.
 *
 * <p>The namespace is the shim's ({@code -namespace}); the event is wrapped in a
 * {@code google.protobuf.Any} whose type URL is derived from the message's full name
 * (e.g. {@code containerd.events.TaskExit}), as containerd expects.
 *
 * <p>Delivery is asynchronous, ordered (events are forwarded in the order {@code publish} was called)
 * and retried; see the implementation for its queue bound and overflow policy.
 */
public interface Publisher {
    /**
     * Queues an event for delivery to containerd.
     *
     * @param topic the event topic, e.g. {@code /tasks/exit}
     * @param event the event message, e.g. a {@code io.jshim.api.events.TaskExit}
     */
    void publish(String topic, Message event);
}
