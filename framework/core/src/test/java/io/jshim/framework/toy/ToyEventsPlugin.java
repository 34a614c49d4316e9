package io.jshim.framework.toy;

import com.google.inject.AbstractModule;
import com.google.inject.Module;
import com.google.protobuf.Any;
import com.google.protobuf.Message;
import com.google.protobuf.Timestamp;
import io.jshim.api.services.events.ttrpc.v1.Envelope;
import io.jshim.api.services.events.ttrpc.v1.EventsTtrpc;
import io.jshim.api.services.events.ttrpc.v1.ForwardRequest;
import io.jshim.framework.SocketAddress;
import io.jshim.framework.plugin.Managed;
import io.jshim.framework.plugin.PluginContext;
import io.jshim.framework.plugin.PluginType;
import io.jshim.framework.plugin.Publisher;
import io.jshim.framework.plugin.ShimBindings;
import io.jshim.framework.plugin.ShimPlugin;
import io.jshim.framework.plugin.SkipPluginException;
import io.jshim.ttrpc.TtrpcClient;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;

/**
 * The toy shim's {@code io.containerd.event.v1.publisher}: a synchronous {@link Publisher} calling containerd's
 * {@code Events/Forward} on {@code TTRPC_ADDRESS} (the real, queued one is {@code plugins/publisher}, which cannot
 * be a test dependency of framework/core: it depends on it). Skipped without {@code TTRPC_ADDRESS}.
 */
public final class ToyEventsPlugin implements ShimPlugin {
    @Override
    public PluginType type() {
        return PluginType.EVENT;
    }

    @Override
    public String id() {
        return "publisher";
    }

    @Override
    public Module module(PluginContext context) throws SkipPluginException {
        if (context.options().ttrpcAddress().isEmpty()) {
            throw new SkipPluginException("TTRPC_ADDRESS is not set");
        }
        ForwardingPublisher publisher = new ForwardingPublisher(SocketAddress.pathOf(context.options().ttrpcAddress()),
                context.options().namespace());
        return new AbstractModule() {
            @Override
            protected void configure() {
                bind(Publisher.class).toInstance(publisher);
                ShimBindings.expose(binder(), Publisher.class);
                ShimBindings.managed(binder()).addBinding().toInstance(publisher);
            }
        };
    }

    /** One connection, one Forward call per event, in the caller's thread. */
    static final class ForwardingPublisher implements Publisher, Managed {
        private final Path socket;
        private final String namespace;
        private TtrpcClient client; // guarded by this

        ForwardingPublisher(Path socket, String namespace) {
            this.socket = socket;
            this.namespace = namespace;
        }

        @Override
        public synchronized void start() throws IOException {
            client = TtrpcClient.connect(socket);
        }

        @Override
        public synchronized void publish(String topic, Message event) {
            Instant now = Instant.now();
            Envelope envelope = Envelope.newBuilder()
                    .setTimestamp(Timestamp.newBuilder().setSeconds(now.getEpochSecond()).setNanos(now.getNano()))
                    .setNamespace(namespace)
                    .setTopic(topic)
                    .setEvent(Any.newBuilder().setTypeUrl(event.getDescriptorForType().getFullName())
                            .setValue(event.toByteString()))
                    .build();
            try {
                if (client == null || client.isClosed()) {
                    client = TtrpcClient.connect(socket);
                }
            } catch (IOException e) {
                throw new UncheckedIOException("failed to connect to containerd events " + socket, e);
            }
            EventsTtrpc.newBlockingStub(client).withDeadline(Duration.ofSeconds(5))
                    .forward(ForwardRequest.newBuilder().setEnvelope(envelope).build());
        }

        @Override
        public synchronized void close() {
            if (client != null) {
                client.close();
            }
        }
    }
}
