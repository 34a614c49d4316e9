package io.jshim.testkit;

import static java.util.Objects.requireNonNull;

import com.google.protobuf.Message;
import io.jshim.framework.plugin.Publisher;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.Condition;
import java.util.concurrent.locks.ReentrantLock;

/**
 * The {@link Publisher} of a {@link TestShim}: it replaces the real publisher plugin (which needs
 * containerd) and records every event in publish order, so tests can assert on them or wait for one.
 */
public final class CapturingPublisher implements Publisher {
    private final ReentrantLock lock = new ReentrantLock();
    private final Condition published = lock.newCondition();
    /** Guarded by {@link #lock}. */
    private final List<PublishedEvent> events = new ArrayList<>();

    @Override
    public void publish(String topic, Message event) {
        PublishedEvent captured = new PublishedEvent(topic, event);
        lock.lock();
        try {
            events.add(captured);
            published.signalAll();
        } finally {
            lock.unlock();
        }
    }

    /** Every event published so far, in publish order. */
    public List<PublishedEvent> events() {
        lock.lock();
        try {
            return List.copyOf(events);
        } finally {
            lock.unlock();
        }
    }

    /** The events of one topic, in publish order. */
    public List<PublishedEvent> events(String topic) {
        return events().stream().filter(e -> e.topic().equals(topic)).toList();
    }

    /** Forgets every event published so far. */
    public void clear() {
        lock.lock();
        try {
            events.clear();
        } finally {
            lock.unlock();
        }
    }

    /**
     * Waits for the first event of {@code topic} whose message is a {@code type} (including one published
     * before the call).
     *
     * @throws AssertionError when none arrives within {@code timeout}, listing the events seen
     */
    public <T extends Message> T await(String topic, Class<T> type, Duration timeout) throws InterruptedException {
        requireNonNull(topic, "topic is null");
        requireNonNull(type, "type is null");
        long deadline = System.nanoTime() + timeout.toNanos();
        lock.lock();
        try {
            while (true) {
                for (PublishedEvent event : events) {
                    if (event.topic().equals(topic) && type.isInstance(event.event())) {
                        return type.cast(event.event());
                    }
                }
                long remaining = deadline - System.nanoTime();
                if (remaining <= 0) {
                    throw new AssertionError("no event " + type.getSimpleName() + " on topic " + topic + " within "
                            + timeout.toMillis() + " ms; published: "
                            + events.stream().map(e -> e.topic() + " " + e.event().getDescriptorForType().getFullName()).toList());
                }
                published.await(remaining, TimeUnit.NANOSECONDS);
            }
        } finally {
            lock.unlock();
        }
    }
}
