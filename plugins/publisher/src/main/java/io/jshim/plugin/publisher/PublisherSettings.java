package io.jshim.plugin.publisher;

import static java.util.Objects.requireNonNull;

import java.time.Duration;

/**
 * Settings of the publisher: {@code plugins."io.containerd.event.v1".publisher} (defaults and meaning in
 * the plugin's {@code reference.conf}).
 *
 * @param queueCapacity  events waiting for delivery
 * @param offerTimeout   how long {@code publish} waits for room in a full queue before dropping the event
 * @param attemptTimeout deadline of one delivery attempt
 * @param initialBackoff first retry delay (doubles per failure)
 * @param maxBackoff     longest retry delay
 * @param maxAttempts    attempts before an event is dropped
 * @param drainTimeout   how long queued events may still be delivered at shutdown
 */
public record PublisherSettings(int queueCapacity, Duration offerTimeout, Duration attemptTimeout,
        Duration initialBackoff, Duration maxBackoff, int maxAttempts, Duration drainTimeout) {
    /** Validates the values. */
    public PublisherSettings {
        requireNonNull(offerTimeout, "offerTimeout is null");
        requireNonNull(attemptTimeout, "attemptTimeout is null");
        requireNonNull(initialBackoff, "initialBackoff is null");
        requireNonNull(maxBackoff, "maxBackoff is null");
        requireNonNull(drainTimeout, "drainTimeout is null");
        if (queueCapacity < 1) {
            throw new IllegalArgumentException("queue-capacity must be at least 1, got " + queueCapacity);
        }
        if (maxAttempts < 1) {
            throw new IllegalArgumentException("max-attempts must be at least 1, got " + maxAttempts);
        }
        if (attemptTimeout.isZero() || attemptTimeout.isNegative()) {
            throw new IllegalArgumentException("attempt-timeout must be positive, got " + attemptTimeout);
        }
    }
}
