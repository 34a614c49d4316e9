package io.jshim.plugin.publisher;

import com.google.protobuf.Empty;
import io.jshim.api.services.events.ttrpc.v1.Envelope;
import io.jshim.api.services.events.ttrpc.v1.ForwardRequest;
import io.jshim.ttrpc.CallOptions;
import io.jshim.ttrpc.MethodDescriptor;
import io.jshim.ttrpc.TtrpcClient;
import java.io.IOException;
import java.nio.file.Path;
import java.time.Duration;

/**
 * Calls {@code containerd.services.events.ttrpc.v1.Events/Forward} on containerd's TTRPC socket, connecting
 * lazily and reconnecting after a failed attempt (containerd may restart).
 */
final class TtrpcEventSender implements EventSender {
    static final MethodDescriptor<ForwardRequest, Empty> FORWARD = MethodDescriptor.create(
            "containerd.services.events.ttrpc.v1.Events", "Forward", ForwardRequest.parser(), Empty.parser());

    private final Path socket;
    /** Only the sender thread uses it. */
    private TtrpcClient client;

    TtrpcEventSender(String address) {
        this.socket = Path.of(address.startsWith("unix://") ? address.substring("unix://".length()) : address);
    }

    @Override
    public void send(Envelope envelope, Duration timeout) throws IOException {
        if (client == null || client.isClosed()) {
            client = TtrpcClient.connect(socket);
        }
        try {
            client.call(FORWARD, ForwardRequest.newBuilder().setEnvelope(envelope).build(),
                    CallOptions.DEFAULT.withDeadline(timeout));
        } catch (RuntimeException e) {
            client.close();
            client = null;
            throw e;
        }
    }

    @Override
    public String describe() {
        return "ttrpc " + socket;
    }

    @Override
    public void close() {
        if (client != null) {
            client.close();
            client = null;
        }
    }
}
