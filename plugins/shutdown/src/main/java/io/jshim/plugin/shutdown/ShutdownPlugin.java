package io.jshim.plugin.shutdown;

import com.google.inject.AbstractModule;
import com.google.inject.Module;
import com.google.inject.Singleton;
import io.jshim.framework.plugin.PluginContext;
import io.jshim.framework.plugin.PluginType;
import io.jshim.framework.plugin.ShimBindings;
import io.jshim.framework.plugin.ShimPlugin;
import io.jshim.framework.plugin.ShutdownService;

/**
 * The shutdown plugin ({@code io.containerd.internal.v1.shutdown}): exposes the daemon's
 * {@link ShutdownService}. The Task service's {@code Shutdown} RPC triggers it, and so do SIGTERM/SIGINT
 * (through the framework); the framework then stops the server and closes the plugins.
 */
public final class ShutdownPlugin implements ShimPlugin {
    @Override
    public PluginType type() {
        return PluginType.INTERNAL;
    }

    @Override
    public String id() {
        return "shutdown";
    }

    @Override
    public Module module(PluginContext context) {
        return new AbstractModule() {
            @Override
            protected void configure() {
                bind(DefaultShutdownService.class).in(Singleton.class);
                bind(ShutdownService.class).to(DefaultShutdownService.class);
                ShimBindings.expose(binder(), ShutdownService.class);
                ShimBindings.managed(binder()).addBinding().to(DefaultShutdownService.class);
            }
        };
    }
}
