package io.jshim.plugin.publisher;

import io.jshim.api.services.events.ttrpc.v1.Envelope;
import java.time.Duration;

/** Delivers one event envelope to containerd, or throws; the {@link RemotePublisher} retries. */
interface EventSender extends AutoCloseable {
    /** One delivery attempt bounded by {@code timeout}. */
    void send(Envelope envelope, Duration timeout) throws Exception;

    /** Where events go, for logs. */
    String describe();

    @Override
    void close();
}
