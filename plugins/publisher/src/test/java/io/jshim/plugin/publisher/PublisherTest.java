package io.jshim.plugin.publisher;

import static org.assertj.core.api.Assertions.assertThat;

import com.google.protobuf.Empty;
import io.jshim.api.events.TaskExit;
import io.jshim.api.services.events.ttrpc.v1.Envelope;
import io.jshim.framework.ShimOptions;
import io.jshim.framework.config.ShimConfig;
import io.jshim.framework.plugin.Publisher;
import io.jshim.framework.registry.LoadedPlugins;
import io.jshim.framework.registry.PluginDiscovery;
import io.jshim.framework.registry.PluginRegistry;
import io.jshim.ttrpc.ServiceDefinition;
import io.jshim.ttrpc.Status;
import io.jshim.ttrpc.TtrpcServer;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Consumer;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/** The publisher against a fake containerd Events TTRPC server on a temp Unix socket. */
@Timeout(60)
class PublisherTest {
    @TempDir
    Path dir;

    private final List<Envelope> received = new CopyOnWriteArrayList<>();
    private TtrpcServer server;

    private Path serve(Consumer<Envelope> behaviour) throws Exception {
        Path socket = dir.resolve("containerd.sock.ttrpc");
        server = TtrpcServer.builder().addService(ServiceDefinition.builder("containerd.services.events.ttrpc.v1.Events")
                .addMethod(TtrpcEventSender.FORWARD, request -> {
                    behaviour.accept(request.getEnvelope());
                    received.add(request.getEnvelope());
                    return Empty.getDefaultInstance();
                }).build()).build();
        server.serve(socket);
        return socket;
    }

    @AfterEach
    void stop() {
        if (server != null) {
            server.shutdown(Duration.ofSeconds(1));
        }
    }

    private static PublisherSettings settings(int capacity, Duration offer, int attempts) {
        return new PublisherSettings(capacity, offer, Duration.ofSeconds(2), Duration.ofMillis(20), Duration.ofMillis(200),
                attempts, Duration.ofSeconds(2));
    }

    private static TaskExit exit(int i) {
        return TaskExit.newBuilder().setContainerId("c" + (i % 3)).setId("p" + i).setPid(i).setExitStatus(i).build();
    }

    @Test
    void forwardsEnvelopesInOrderWithNamespaceTopicAndBareTypeUrl() throws Exception {
        Path socket = serve(e -> { });
        RemotePublisher publisher = new RemotePublisher(new TtrpcEventSender("unix://" + socket), "testns", settings(64, Duration.ofSeconds(1), 3));
        publisher.start();
        for (int i = 0; i < 40; i++) {
            publisher.publish("/tasks/exit", exit(i));
        }
        publisher.close();
        assertThat(received).hasSize(40);
        assertThat(received).extracting(e -> e.getEvent().getTypeUrl()).containsOnly("containerd.events.TaskExit");
        assertThat(received).extracting(Envelope::getNamespace).containsOnly("testns");
        assertThat(received).extracting(Envelope::getTopic).containsOnly("/tasks/exit");
        assertThat(received).extracting(e -> TaskExit.parseFrom(e.getEvent().getValue()).getPid())
                .containsExactlyElementsOf(java.util.stream.IntStream.range(0, 40).boxed().toList());
        assertThat(received.getFirst().getTimestamp().getSeconds()).isPositive();
        assertThat(publisher.droppedCount()).isZero();
    }

    @Test
    void retriesWithBackoffAndKeepsOrder() throws Exception {
        AtomicInteger calls = new AtomicInteger();
        Path socket = serve(e -> {
            if (calls.incrementAndGet() <= 3) {
                throw Status.UNAVAILABLE.withDescription("containerd busy").asException();
            }
        });
        RemotePublisher publisher = new RemotePublisher(new TtrpcEventSender(socket.toString()), "ns", settings(16, Duration.ofSeconds(1), 10));
        publisher.start();
        publisher.publish("/tasks/start", exit(1));
        publisher.publish("/tasks/exit", exit(2));
        publisher.close();
        assertThat(received).extracting(Envelope::getTopic).containsExactly("/tasks/start", "/tasks/exit");
        assertThat(calls.get()).isEqualTo(5);
    }

    @Test
    void reconnectsWhenContainerdComesBack() throws Exception {
        Path socket = dir.resolve("containerd.sock.ttrpc");
        RemotePublisher publisher = new RemotePublisher(new TtrpcEventSender(socket.toString()), "ns", settings(16, Duration.ofSeconds(1), 20));
        publisher.start();
        publisher.publish("/tasks/create", exit(1));
        Thread.sleep(150);
        serve(e -> { });
        publisher.publish("/tasks/start", exit(2));
        publisher.close();
        assertThat(received).extracting(Envelope::getTopic).containsExactly("/tasks/create", "/tasks/start");
    }

    @Test
    void fullQueueDropsAfterOfferTimeoutAndGivesUpAfterMaxAttempts() throws Exception {
        CountDownLatch release = new CountDownLatch(1);
        Path socket = serve(e -> {
            try {
                release.await(10, TimeUnit.SECONDS);
            } catch (InterruptedException ignored) {
                Thread.currentThread().interrupt();
            }
        });
        RemotePublisher publisher = new RemotePublisher(new TtrpcEventSender(socket.toString()), "ns", settings(1, Duration.ofMillis(50), 1));
        publisher.start();
        publisher.publish("/a", exit(1));          // taken by the sender, blocked in the server
        Thread.sleep(200);
        publisher.publish("/b", exit(2));          // fills the queue
        long begin = System.nanoTime();
        publisher.publish("/c", exit(3));          // dropped after ~50 ms
        assertThat(Duration.ofNanos(System.nanoTime() - begin)).isLessThan(Duration.ofSeconds(1));
        assertThat(publisher.droppedCount()).isEqualTo(1);
        release.countDown();
        publisher.close();
        assertThat(received).extracting(Envelope::getTopic).containsExactly("/a", "/b");

        RemotePublisher nowhere = new RemotePublisher(new TtrpcEventSender(dir.resolve("absent.sock").toString()), "ns", settings(4, Duration.ofMillis(50), 2));
        nowhere.start();
        nowhere.publish("/lost", exit(4));
        Thread.sleep(500);
        assertThat(nowhere.droppedCount()).isEqualTo(1);
        nowhere.close();
    }

    @Test
    void pluginLoadsThroughServiceLoaderAndIsSkippedWithoutAddress() throws Exception {
        Path socket = serve(e -> { });
        ShimConfig config = ShimConfig.load(Optional.empty(), getClass().getClassLoader());
        var discovered = new PluginDiscovery(getClass().getClassLoader(), Optional.empty()).discover();
        ShimOptions options = new ShimOptions("ns", "id", dir, false, "/run/containerd/containerd.sock", "", socket.toString(), "", "");
        try (LoadedPlugins plugins = new PluginRegistry(discovered, config).start(options, binder -> { })) {
            Publisher publisher = plugins.exposed(Publisher.class).orElseThrow();
            publisher.publish("/tasks/oom", exit(7));
        }
        assertThat(received).extracting(Envelope::getTopic).containsExactly("/tasks/oom");

        ShimOptions none = new ShimOptions("ns", "id", dir, false, "", "", "", "", "");
        try (LoadedPlugins plugins = new PluginRegistry(discovered, config).start(none, binder -> { })) {
            assertThat(plugins.skipped()).containsKey("io.containerd.event.v1.publisher");
            assertThat(plugins.exposed(Publisher.class)).isEmpty();
        }
    }
}
