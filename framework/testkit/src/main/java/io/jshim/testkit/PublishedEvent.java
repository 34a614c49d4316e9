package io.jshim.testkit;

import static java.util.Objects.requireNonNull;

import com.google.protobuf.Message;

/**
 * One event a plugin published through the {@link io.jshim.framework.plugin.Publisher}.
 *
 * @param topic the topic, e.g. {@code /tasks/exit}
 * @param event the event message as published (not wrapped in an {@code Any})
 */
public record PublishedEvent(String topic, Message event) {
    /** Checks for nulls. */
    public PublishedEvent {
        requireNonNull(topic, "topic is null");
        requireNonNull(event, "event is null");
    }
}
