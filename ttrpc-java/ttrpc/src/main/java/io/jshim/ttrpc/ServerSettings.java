package io.jshim.ttrpc;

import java.time.Duration;

/** The limits of a server, fixed at build time, and its reader of peer pids (shared by its connections). */
record ServerSettings(PeerCredentialsCheck peerCheck, Duration readTimeout, Duration writeTimeout,
        int maxConcurrentCallsPerConnection, Duration watchdogInterval, PeerPidReader peerPids) {
}
