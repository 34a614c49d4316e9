package io.jshim.ttrpc;

import java.net.StandardProtocolFamily;
import java.net.UnixDomainSocketAddress;
import java.nio.channels.ServerSocketChannel;
import java.nio.channels.SocketChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.OptionalLong;

/**
 * Run in a JVM of its own by {@link PeerCredentialsTest} with chosen flags: connects to itself over a Unix
 * socket and prints what {@link PeerPidReader} reads for the accepted end, {@code pid=N self=N} or
 * {@code pid=unknown self=N}.
 */
final class PeerPidProbe {

    private PeerPidProbe() {
    }

    public static void main(String[] args) throws Exception {
        Path dir = Files.createTempDirectory("peer-pid-probe");
        Path socket = dir.resolve("probe.sock");
        try (ServerSocketChannel server = ServerSocketChannel.open(StandardProtocolFamily.UNIX)) {
            server.bind(UnixDomainSocketAddress.of(socket));
            try (SocketChannel client = SocketChannel.open(UnixDomainSocketAddress.of(socket));
                    SocketChannel accepted = server.accept()) {
                OptionalLong pid = new PeerPidReader().pidOf(accepted);
                System.out.println("pid=" + (pid.isPresent() ? Long.toString(pid.getAsLong()) : "unknown")
                        + " self=" + ProcessHandle.current().pid());
            }
        } finally {
            Files.deleteIfExists(socket);
            Files.delete(dir);
        }
    }
}
