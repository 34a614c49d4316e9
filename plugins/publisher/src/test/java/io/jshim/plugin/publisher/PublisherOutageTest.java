package io.jshim.plugin.publisher;

import static org.assertj.core.api.Assertions.assertThat;

import com.google.protobuf.Empty;
import io.jshim.api.events.TaskExit;
import io.jshim.api.services.events.ttrpc.v1.Envelope;
import io.jshim.ttrpc.ServiceDefinition;
import io.jshim.ttrpc.TtrpcServer;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.function.BooleanSupplier;
import java.util.stream.IntStream;
import org.apache.logging.log4j.LogManager;
import org.apache.logging.log4j.core.LogEvent;
import org.apache.logging.log4j.core.Logger;
import org.apache.logging.log4j.core.appender.AbstractAppender;
import org.apache.logging.log4j.core.config.Property;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * containerd's events socket goes away for a while (containerd restarting) and comes back on the same path:
 * events published meanwhile wait in the queue while the head one is retried, and all of them are delivered once,
 * in order, up to the queue bound; beyond it each extra event is dropped after the offer timeout with an
 * {@code EVENT DROPPED} error log naming topic and reason.
 */
@Timeout(60)
class PublisherOutageTest {
    private static final int CAPACITY = 100;

    @TempDir
    Path dir;

    private final List<Envelope> received = new CopyOnWriteArrayList<>();
    private final List<LogEvent> logs = new CopyOnWriteArrayList<>();
    private TtrpcServer server;
    private AbstractAppender appender;
    private Logger publisherLogger;

    @BeforeEach
    void captureLogs() {
        appender = new AbstractAppender("outage-capture", null, null, true, Property.EMPTY_ARRAY) {
            @Override
            public void append(LogEvent event) {
                logs.add(event.toImmutable());
            }
        };
        appender.start();
        org.apache.logging.log4j.core.config.Configurator.setLevel(RemotePublisher.class.getName(), org.apache.logging.log4j.Level.INFO);
        publisherLogger = (Logger) LogManager.getLogger(RemotePublisher.class);
        publisherLogger.addAppender(appender);
    }

    @AfterEach
    void stop() {
        publisherLogger.removeAppender(appender);
        appender.stop();
        if (server != null) {
            server.shutdown(Duration.ofSeconds(1));
        }
    }

    private Path serve() throws Exception {
        Path socket = dir.resolve("containerd.sock.ttrpc");
        server = TtrpcServer.builder().addService(ServiceDefinition.builder("containerd.services.events.ttrpc.v1.Events")
                .addMethod(TtrpcEventSender.FORWARD, request -> {
                    received.add(request.getEnvelope());
                    return Empty.getDefaultInstance();
                }).build()).build();
        server.serve(socket);
        return socket;
    }

    private static TaskExit exit(int i) {
        return TaskExit.newBuilder().setContainerId("c").setId("p" + i).setPid(i).setExitStatus(i % 256).build();
    }

    private static List<Integer> pids(List<Envelope> envelopes) {
        return envelopes.stream().map(e -> {
            try {
                return TaskExit.parseFrom(e.getEvent().getValue()).getPid();
            } catch (com.google.protobuf.InvalidProtocolBufferException ex) {
                throw new AssertionError(ex);
            }
        }).toList();
    }

    @Test
    void eventsPublishedDuringAnOutageAreDeliveredOnceInOrderUpToTheQueueBound() throws Exception {
        Path socket = serve();
        PublisherSettings settings = new PublisherSettings(CAPACITY, Duration.ofMillis(50), Duration.ofSeconds(1),
                Duration.ofMillis(20), Duration.ofMillis(200), 1000, Duration.ofSeconds(5));
        RemotePublisher publisher = new RemotePublisher(new TtrpcEventSender(socket.toString()), "ns", settings);
        publisher.start();
        publisher.publish("/tasks/exit", exit(0));
        assertThat(await(() -> received.size() == 1, Duration.ofSeconds(5))).isTrue();

        server.shutdown(Duration.ofSeconds(1)); // containerd goes away: connection closed, socket removed
        publisher.publish("/tasks/exit", exit(1)); // the sender takes it and retries it
        assertThat(await(() -> logs.stream().anyMatch(e -> e.getMessage().getFormattedMessage().contains("retrying")),
                Duration.ofSeconds(5))).as("retry logged").isTrue();
        for (int i = 2; i < 2 + CAPACITY; i++) {
            publisher.publish("/tasks/exit", exit(i)); // fills the queue exactly
        }
        assertThat(publisher.droppedCount()).isZero();
        for (int i = 0; i < 3; i++) {
            publisher.publish("/tasks/overflow", exit(1000 + i)); // beyond the bound: dropped after 50 ms each
        }
        assertThat(publisher.droppedCount()).isEqualTo(3);
        Thread.sleep(1000); // the outage lasts a while longer

        serve(); // containerd is back on the same path
        assertThat(await(() -> received.size() == 2 + CAPACITY, Duration.ofSeconds(10)))
                .as("received %d of %d", received.size(), 2 + CAPACITY).isTrue();
        publisher.close();

        assertThat(pids(received)).containsExactlyElementsOf(IntStream.range(0, 2 + CAPACITY).boxed().toList());
        assertThat(received).extracting(Envelope::getTopic).containsOnly("/tasks/exit");
        List<LogEvent> drops = logs.stream().filter(e -> e.getMessage().getFormattedMessage().contains("EVENT DROPPED")).toList();
        assertThat(drops).hasSize(3).allSatisfy(e -> {
            assertThat(e.getLevel()).isEqualTo(org.apache.logging.log4j.Level.ERROR);
            assertThat(e.getContextData().<String>getValue("topic")).isEqualTo("/tasks/overflow");
            assertThat(e.getContextData().<String>getValue("reason")).contains("queue full (" + CAPACITY + " events)");
        });
    }

    @Test
    void anOutageLongerThanTheRetryBudgetDropsOnlyEventsThatUsedItUpAndKeepsOrder() throws Exception {
        Path socket = dir.resolve("containerd.sock.ttrpc");
        PublisherSettings settings = new PublisherSettings(CAPACITY, Duration.ofMillis(50), Duration.ofSeconds(1),
                Duration.ofMillis(20), Duration.ofMillis(40), 3, Duration.ofSeconds(5));
        RemotePublisher publisher = new RemotePublisher(new TtrpcEventSender(socket.toString()), "ns", settings);
        publisher.start();
        for (int i = 0; i < 50; i++) {
            publisher.publish("/tasks/exit", exit(i));
        }
        Thread.sleep(400); // no containerd: each head event gets 3 attempts (~60 ms) and is dropped, logged
        serve();
        assertThat(await(() -> received.size() + publisher.droppedCount() == 50, Duration.ofSeconds(10))).isTrue();
        publisher.close();

        long dropped = publisher.droppedCount();
        assertThat(dropped).isPositive();
        assertThat(received).hasSize(50 - (int) dropped);
        assertThat(pids(received)).containsExactlyElementsOf(IntStream.range((int) dropped, 50).boxed().toList());
        assertThat(logs.stream().filter(e -> e.getMessage().getFormattedMessage().contains("EVENT DROPPED"))
                .map(e -> e.getContextData().<String>getValue("reason"))).hasSize((int) dropped)
                .allSatisfy(reason -> assertThat(reason).startsWith("failed 3 attempts"));
    }

    private static boolean await(BooleanSupplier condition, Duration timeout) throws InterruptedException {
        long deadline = System.nanoTime() + timeout.toNanos();
        while (System.nanoTime() < deadline) {
            if (condition.getAsBoolean()) {
                return true;
            }
            Thread.sleep(20);
        }
        return condition.getAsBoolean();
    }
}
