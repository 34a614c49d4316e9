package io.jshim.plugin.pprofjfr;

import static java.util.Objects.requireNonNull;

import com.google.inject.AbstractModule;
import com.google.inject.Provides;
import com.google.inject.Singleton;
import io.jshim.framework.plugin.ShimBindings;
import java.nio.file.Path;

/** Binds the debug server as a lifecycle component of the plugin: started with the shim, closed at shutdown. */
final class PprofJfrModule extends AbstractModule {
    private final Path socket;
    private final Path stateDir;

    private PprofJfrModule(Path socket, Path stateDir) {
        this.socket = requireNonNull(socket, "socket is null");
        this.stateDir = requireNonNull(stateDir, "stateDir is null");
    }

    static PprofJfrModule serving(Path socket, Path stateDir) {
        return new PprofJfrModule(socket, stateDir);
    }

    @Override
    protected void configure() {
        ShimBindings.managed(binder()).addBinding().to(ManagedDebugServer.class);
    }

    @Provides
    @Singleton
    ManagedDebugServer debugServer() {
        return new ManagedDebugServer(new DebugServer(socket, stateDir));
    }
}
