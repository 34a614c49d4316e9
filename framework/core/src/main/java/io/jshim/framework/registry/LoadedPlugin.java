package io.jshim.framework.registry;

import io.jshim.framework.plugin.Managed;
import io.jshim.ttrpc.BindableService;
import io.jshim.ttrpc.ServerInterceptor;
import java.util.List;

/**
 * What one started plugin contributed.
 *
 * @param plugin       the plugin
 * @param services     its TTRPC services, in binding order
 * @param interceptors its server interceptors, in binding order
 * @param managed      its started lifecycle components, in start order
 */
public record LoadedPlugin(DiscoveredPlugin plugin, List<BindableService> services,
        List<ServerInterceptor> interceptors, List<Managed> managed) {
    /** Copies the lists. */
    public LoadedPlugin {
        services = List.copyOf(services);
        interceptors = List.copyOf(interceptors);
        managed = List.copyOf(managed);
    }

    /** {@code <type>.<id>}. */
    public String uri() {
        return plugin.uri();
    }
}
