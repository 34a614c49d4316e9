package io.jshim.framework.toy;

import com.google.inject.AbstractModule;
import com.google.inject.Module;
import com.google.inject.Provides;
import com.google.inject.Singleton;
import io.jshim.framework.ShimOptions;
import io.jshim.framework.plugin.PluginContext;
import io.jshim.framework.plugin.PluginType;
import io.jshim.framework.plugin.Publisher;
import io.jshim.framework.plugin.ShimBindings;
import io.jshim.framework.plugin.ShimPlugin;
import io.jshim.framework.plugin.ShutdownService;
import java.util.Set;

/**
 * The toy shim's Task service ({@code io.containerd.ttrpc.v1.task}): {@link ToyTaskService} answers
 * {@code containerd.task.v2.Task} from memory and publishes task events through the {@link Publisher} of the
 * events plugin. Requires the event and internal (shutdown) plugins, so it is skipped without
 * {@code TTRPC_ADDRESS}.
 */
public final class ToyTaskPlugin implements ShimPlugin {
    @Override
    public PluginType type() {
        return PluginType.TTRPC;
    }

    @Override
    public String id() {
        return "task";
    }

    @Override
    public Set<PluginType> requires() {
        return Set.of(PluginType.EVENT, PluginType.INTERNAL);
    }

    @Override
    public Module module(PluginContext context) {
        String marker = System.getenv().getOrDefault(ToyTaskService.MARKER_ENV, "none");
        return new AbstractModule() {
            @Override
            protected void configure() {
                ShimBindings.services(binder()).addBinding().to(ToyTaskService.class);
            }

            @Provides
            @Singleton
            ToyTaskService service(ShimOptions options, Publisher publisher, ShutdownService shutdown) {
                return new ToyTaskService(options, publisher, shutdown, marker);
            }
        };
    }
}
