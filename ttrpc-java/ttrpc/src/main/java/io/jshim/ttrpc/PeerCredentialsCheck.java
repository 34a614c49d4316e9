package io.jshim.ttrpc;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFileAttributes;

/**
 * Decides whether a connecting peer may talk to the server; checked once per connection, before any
 * frame is read. A rejected connection is closed and logged.
 */
@FunctionalInterface
public interface PeerCredentialsCheck {

    /**
     * @param peer the credentials of the connecting process
     * @throws SecurityException naming why the peer is refused
     */
    void check(PeerCredentials peer);

    /** @return a check accepting every peer */
    static PeerCredentialsCheck allowAll() {
        return peer -> { };
    }

    /**
     * The default, like Go's {@code ttrpc.UnixSocketRequireSameUser()}: the peer must run with this
     * process's effective user and group.
     *
     * @return a check comparing the peer with this process's effective user and group
     */
    static PeerCredentialsCheck sameUser() {
        PosixFileAttributes self;
        try {
            // /proc/self belongs to the effective uid and gid of this process
            self = Files.readAttributes(Path.of("/proc/self"), PosixFileAttributes.class);
        } catch (IOException e) {
            throw new IllegalStateException("failed to read the effective user of this process from /proc/self: " + e, e);
        }
        var user = self.owner();
        var group = self.group();
        return peer -> {
            if (!peer.user().equals(user) || !peer.group().equals(group)) {
                throw new SecurityException("peer " + peer + " is not user=" + user.getName() + " group=" + group.getName());
            }
        };
    }
}
