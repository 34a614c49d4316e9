package io.jshim.ttrpc;

import static java.util.Objects.requireNonNull;

import java.nio.file.attribute.GroupPrincipal;
import java.nio.file.attribute.UserPrincipal;
import java.util.OptionalLong;
import java.util.function.Supplier;

/**
 * The credentials of the process at the other end of a Unix-domain connection, from Linux's {@code SO_PEERCRED}
 * at connect time: user and group as {@link jdk.net.ExtendedSocketOptions#SO_PEERCRED} reports them, and the
 * pid, which the JDK does not report.
 *
 * <p>The server reads the pid from the socket on the first call of {@link #pid()} (or {@link #toString()}),
 * not at accept: the first read in a JVM links a native downcall, which costs tens of milliseconds. Call it for
 * the log of a rare event, not on every request. It is known only while the connection is open, on Linux, and
 * when the JVM runs with {@code --add-exports java.base/sun.nio.ch=ALL-UNNAMED} (the socket's descriptor is
 * JDK-internal) and {@code --enable-native-access=ALL-UNNAMED}; the launcher {@code containerd-shim-jrunc-v2}
 * passes both.
 *
 * <p>Equality is identity: each connection has its own credentials; compare the components.
 */
public final class PeerCredentials {

    private final UserPrincipal user;
    private final GroupPrincipal group;
    /** Reads the pid once; null once {@link #pid} holds the answer. Guarded by {@code this}. */
    private Supplier<OptionalLong> pidSource;
    /** Guarded by {@code this}. */
    private OptionalLong pid;

    /**
     * Credentials whose pid is unknown.
     *
     * @param user the peer's effective user at connect time
     * @param group the peer's effective group at connect time
     */
    public PeerCredentials(UserPrincipal user, GroupPrincipal group) {
        this(user, group, OptionalLong.empty());
    }

    /**
     * @param user the peer's effective user at connect time
     * @param group the peer's effective group at connect time
     * @param pid the peer's pid at connect time, empty when unknown
     */
    public PeerCredentials(UserPrincipal user, GroupPrincipal group, OptionalLong pid) {
        this.user = requireNonNull(user, "user is null");
        this.group = requireNonNull(group, "group is null");
        this.pid = requireNonNull(pid, "pid is null");
    }

    private PeerCredentials(UserPrincipal user, GroupPrincipal group, Supplier<OptionalLong> pidSource) {
        this.user = requireNonNull(user, "user is null");
        this.group = requireNonNull(group, "group is null");
        this.pidSource = requireNonNull(pidSource, "pidSource is null");
    }

    /**
     * @param pidSource reads the pid from the open connection, called at most once
     * @return credentials that read their pid on first use
     */
    static PeerCredentials readingPid(UserPrincipal user, GroupPrincipal group, Supplier<OptionalLong> pidSource) {
        return new PeerCredentials(user, group, pidSource);
    }

    /** @return the peer's effective user at connect time */
    public UserPrincipal user() {
        return user;
    }

    /** @return the peer's effective group at connect time */
    public GroupPrincipal group() {
        return group;
    }

    /**
     * @return the peer's pid at connect time (in this process's pid namespace); empty when unknown: read
     *     after the connection closed, without the JVM flags named in the class comment, off Linux, or a peer
     *     in a pid namespace this process cannot see
     */
    public synchronized OptionalLong pid() {
        if (pid == null) {
            OptionalLong read = pidSource.get();
            pid = read == null ? OptionalLong.empty() : read;
            pidSource = null;
        }
        return pid;
    }

    /** @return {@code user=NAME group=NAME pid=N}, or {@code pid=unknown}; reads the pid as {@link #pid()} does */
    @Override
    public String toString() {
        OptionalLong known = pid();
        return "user=" + user.getName() + " group=" + group.getName() + " pid=" + (known.isPresent() ? Long.toString(known.getAsLong()) : "unknown");
    }
}
