package io.jshim.plugin.taskrunc;

import com.google.protobuf.Message;
import io.jshim.framework.plugin.Publisher;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.function.BiConsumer;

/** Records published events in order; an optional hook runs synchronously inside {@link #publish}. */
final class RecordingPublisher implements Publisher {
    /** One published event. */
    record Event(String topic, Message message) {
    }

    /** Guarded by {@code this}. */
    private final List<Event> events = new ArrayList<>();
    private volatile BiConsumer<String, Message> hook = (t, m) -> { };

    /** Runs {@code hook} on the publishing thread before the event is recorded. */
    void onPublish(BiConsumer<String, Message> hook) {
        this.hook = hook;
    }

    @Override
    public void publish(String topic, Message event) {
        hook.accept(topic, event);
        synchronized (this) {
            events.add(new Event(topic, event));
            notifyAll();
        }
    }

    synchronized List<Event> events() {
        return List.copyOf(events);
    }

    /** The topics published so far, in order. */
    synchronized List<String> topics() {
        return events.stream().map(Event::topic).toList();
    }

    /** Waits for the first event of {@code topic} whose message is a {@code type}. */
    synchronized <T extends Message> T await(String topic, Class<T> type, Duration timeout) throws InterruptedException {
        long end = System.nanoTime() + timeout.toNanos();
        while (true) {
            for (Event e : events) {
                if (e.topic().equals(topic) && type.isInstance(e.message())) {
                    return type.cast(e.message());
                }
            }
            long left = end - System.nanoTime();
            if (left <= 0) {
                throw new AssertionError("no " + topic + " event within " + timeout + "; published: " + topics());
            }
            wait(Math.max(1, left / 1_000_000));
        }
    }
}
