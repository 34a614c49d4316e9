package io.jshim.plugin.publisher;

import static java.util.Objects.requireNonNull;

import com.google.protobuf.Message;
import com.google.protobuf.Timestamp;
import io.jshim.api.ContainerdAny;
import io.jshim.api.services.events.ttrpc.v1.Envelope;
import io.jshim.framework.plugin.Managed;
import io.jshim.framework.plugin.Publisher;
import java.time.Duration;
import java.time.Instant;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The events publisher: a bounded queue drained by one sender thread, so events reach containerd in
 * publish order. Each event is retried with exponential backoff and a fresh deadline per attempt; the
 * sender reconnects after a failure. Overflow policy: when the queue is full, {@code publish} waits up to
 * {@code offer-timeout}, then drops the event with an error log; an event failing {@code max-attempts}
 * times is dropped with an error log; at shutdown queued events get {@code drain-timeout} to go out.
 */
final class RemotePublisher implements Publisher, Managed {
    private static final Logger log = LoggerFactory.getLogger(RemotePublisher.class);

    private final EventSender sender;
    private final String namespace;
    private final PublisherSettings settings;
    private final BlockingQueue<Envelope> queue;
    private final AtomicLong dropped = new AtomicLong();
    private volatile boolean closing;
    private volatile long drainDeadline = Long.MAX_VALUE;
    private Thread thread;

    RemotePublisher(EventSender sender, String namespace, PublisherSettings settings) {
        this.sender = requireNonNull(sender, "sender is null");
        this.namespace = requireNonNull(namespace, "namespace is null");
        this.settings = requireNonNull(settings, "settings is null");
        this.queue = new LinkedBlockingQueue<>(settings.queueCapacity());
    }

    @Override
    public void start() {
        thread = Thread.ofVirtual().name("event-publisher").start(this::run);
        log.atInfo().addKeyValue("target", sender.describe()).log("publishing events");
    }

    @Override
    public void publish(String topic, Message event) {
        requireNonNull(topic, "topic is null");
        requireNonNull(event, "event is null");
        Instant now = Instant.now();
        Envelope envelope = Envelope.newBuilder()
                .setTimestamp(Timestamp.newBuilder().setSeconds(now.getEpochSecond()).setNanos(now.getNano()))
                .setNamespace(namespace)
                .setTopic(topic)
                .setEvent(ContainerdAny.pack(event))
                .build();
        if (closing) {
            drop(envelope, "publisher is closed");
            return;
        }
        try {
            if (!queue.offer(envelope, settings.offerTimeout().toNanos(), TimeUnit.NANOSECONDS)) {
                drop(envelope, "queue full (" + settings.queueCapacity() + " events) for " + settings.offerTimeout().toMillis() + " ms");
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            drop(envelope, "interrupted while waiting for room in the queue");
        }
    }

    /** Events dropped so far. */
    long droppedCount() {
        return dropped.get();
    }

    private void run() {
        while (true) {
            Envelope envelope;
            try {
                envelope = queue.poll(50, TimeUnit.MILLISECONDS);
            } catch (InterruptedException e) {
                return;
            }
            if (envelope == null) {
                if (closing) {
                    return;
                }
                continue;
            }
            if (!deliver(envelope)) {
                return;
            }
        }
    }

    /** Delivers with retries; false when the thread must stop (interrupted at shutdown). */
    private boolean deliver(Envelope envelope) {
        Duration backoff = settings.initialBackoff();
        for (int attempt = 1; ; attempt++) {
            try {
                sender.send(envelope, settings.attemptTimeout());
                return true;
            } catch (Exception e) {
                if (e instanceof InterruptedException) {
                    drop(envelope, "interrupted at shutdown");
                    return false;
                }
                if (attempt >= settings.maxAttempts()) {
                    drop(envelope, "failed " + attempt + " attempts, last: " + e.getMessage());
                    return true;
                }
                log.atWarn().addKeyValue("topic", envelope.getTopic()).addKeyValue("attempt", attempt)
                        .addKeyValue("error", String.valueOf(e.getMessage())).log("failed to forward event, retrying");
            }
            if (closing && System.nanoTime() + backoff.toNanos() > drainDeadline) {
                drop(envelope, "shutting down while retrying");
                return true;
            }
            try {
                Thread.sleep(backoff);
            } catch (InterruptedException e) {
                drop(envelope, "interrupted at shutdown");
                return false;
            }
            backoff = backoff.multipliedBy(2).compareTo(settings.maxBackoff()) > 0 ? settings.maxBackoff() : backoff.multipliedBy(2);
        }
    }

    private void drop(Envelope envelope, String reason) {
        long total = dropped.incrementAndGet();
        log.atError().addKeyValue("topic", envelope.getTopic()).addKeyValue("namespace", envelope.getNamespace())
                .addKeyValue("type", envelope.getEvent().getTypeUrl()).addKeyValue("reason", reason)
                .addKeyValue("dropped_total", total).log("EVENT DROPPED: containerd will not see it");
    }

    /** Lets queued events go out for up to {@code drain-timeout}, then drops the rest (logged). */
    @Override
    public void close() throws InterruptedException {
        drainDeadline = System.nanoTime() + settings.drainTimeout().toNanos();
        closing = true;
        if (thread != null) {
            if (!thread.join(settings.drainTimeout())) {
                thread.interrupt();
                thread.join(Duration.ofSeconds(1));
            }
        }
        for (Envelope left = queue.poll(); left != null; left = queue.poll()) {
            drop(left, "shutdown before delivery");
        }
        sender.close();
    }
}
