package io.jshim.plugin.pprofjfr;

import static java.util.Objects.requireNonNull;

import io.jshim.framework.plugin.Managed;

/** The debug server in the shim's lifecycle: bound and serving on {@link #start()}, gone on {@link #close()}. */
final class ManagedDebugServer implements Managed {
    private final DebugServer server;

    ManagedDebugServer(DebugServer server) {
        this.server = requireNonNull(server, "server is null");
    }

    @Override
    public void start() {
        server.start();
    }

    @Override
    public void close() {
        server.close();
    }

    DebugServer server() {
        return server;
    }
}
