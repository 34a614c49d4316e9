package io.jshim.plugin.publisher;

import io.jshim.api.services.events.ttrpc.v1.Envelope;
import io.jshim.posix.CommandResult;
import io.jshim.posix.FileCalls;
import io.jshim.posix.Posix;
import io.jshim.posix.ProcessLauncher;
import io.jshim.posix.SpawnRequest;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;

/**
 * containerd's fallback when {@code TTRPC_ADDRESS} is not set: runs
 * {@code <publish-binary> --address <address> publish --topic T --namespace N} with the event's
 * {@code google.protobuf.Any} bytes on stdin (as containerd's v1 shim did), through the framework's
 * launcher so the subreaper's reaper gets its exit.
 */
final class BinaryEventSender implements EventSender {
    private final String binary;
    private final String address;
    private final Path scratch;
    private final Posix posix;
    private final ProcessLauncher launcher;

    BinaryEventSender(String binary, String address, Path scratch, Posix posix, ProcessLauncher launcher) {
        this.binary = binary;
        this.address = address;
        this.scratch = scratch;
        this.posix = posix;
        this.launcher = launcher;
    }

    @Override
    public void send(Envelope envelope, Duration timeout) throws IOException, InterruptedException {
        Path payload = Files.createTempFile(scratch, "event-", ".bin");
        try {
            Files.write(payload, envelope.getEvent().toByteArray());
            int fd = posix.open(payload, FileCalls.O_RDONLY | FileCalls.O_CLOEXEC, 0);
            CommandResult result;
            try {
                result = launcher.run(SpawnRequest.builder(binary)
                        .args("--address", address, "publish", "--topic", envelope.getTopic(),
                                "--namespace", envelope.getNamespace())
                        .mapFd(0, fd)
                        .build(), timeout);
            } finally {
                posix.close(fd);
            }
            if (!result.succeeded()) {
                throw new IOException("failed to publish event " + envelope.getTopic() + " with " + binary + ": "
                        + result.describe());
            }
        } finally {
            Files.deleteIfExists(payload);
        }
    }

    @Override
    public String describe() {
        return "binary " + binary + " --address " + address;
    }

    @Override
    public void close() {
    }
}
