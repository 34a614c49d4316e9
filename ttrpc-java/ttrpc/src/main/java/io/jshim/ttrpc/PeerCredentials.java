package io.jshim.ttrpc;

import static java.util.Objects.requireNonNull;

import java.nio.file.attribute.GroupPrincipal;
import java.nio.file.attribute.UserPrincipal;

/**
 * The credentials of the process at the other end of a Unix-domain connection, from {@code SO_PEERCRED}
 * (as reported by {@link jdk.net.ExtendedSocketOptions#SO_PEERCRED}).
 *
 * @param user the peer's effective user at connect time
 * @param group the peer's effective group at connect time
 */
public record PeerCredentials(UserPrincipal user, GroupPrincipal group) {

    /** Validates the components. */
    public PeerCredentials {
        requireNonNull(user, "user is null");
        requireNonNull(group, "group is null");
    }

    @Override
    public String toString() {
        return "user=" + user.getName() + " group=" + group.getName();
    }
}
