package io.jshim.framework.registry;

import io.jshim.framework.PluginException;
import io.jshim.framework.plugin.PluginType;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.function.Predicate;

/**
 * Orders plugins like containerd's {@code plugin.Registry.Graph}: walking the registrations in order, every
 * plugin of a type a plugin requires comes before it ({@link #ALL} requires every other plugin); disabled
 * plugins are left out. Required types are visited in name order, so the order does not depend on the
 * iteration order of {@link io.jshim.framework.plugin.ShimPlugin#requires()}. A dependency cycle is an error naming the cycle.
 */
public final class PluginGraph {
    /** The type name that requires every other plugin (containerd's {@code "*"}). */
    public static final PluginType ALL = PluginType.of("*");

    private PluginGraph() {
    }

    /**
     * @param registered plugins in registration order
     * @param disabled   plugins to leave out
     * @return the enabled plugins in initialisation order
     * @throws PluginException on a cycle, naming it ({@code a -> b -> a})
     */
    public static List<DiscoveredPlugin> order(List<DiscoveredPlugin> registered, Predicate<DiscoveredPlugin> disabled) {
        Set<DiscoveredPlugin> handled = new HashSet<>();
        for (DiscoveredPlugin plugin : registered) {
            if (disabled.test(plugin)) {
                handled.add(plugin);
            }
        }
        List<DiscoveredPlugin> ordered = new ArrayList<>();
        for (DiscoveredPlugin plugin : registered) {
            if (handled.contains(plugin)) {
                continue;
            }
            List<DiscoveredPlugin> stack = new ArrayList<>();
            stack.add(plugin);
            children(stack, registered, handled, ordered);
            handled.add(plugin);
            ordered.add(plugin);
        }
        return List.copyOf(ordered);
    }

    private static void children(List<DiscoveredPlugin> stack, List<DiscoveredPlugin> registered,
            Set<DiscoveredPlugin> handled, List<DiscoveredPlugin> ordered) {
        DiscoveredPlugin current = stack.getLast();
        for (PluginType required : current.requires().stream().sorted(java.util.Comparator.comparing(PluginType::name)).toList()) {
            for (DiscoveredPlugin candidate : registered) {
                if ((required.equals(ALL) || candidate.type().equals(required)) && candidate != current
                        && !handled.contains(candidate)) {
                    int seen = stack.indexOf(candidate);
                    if (seen >= 0) {
                        List<String> cycle = new ArrayList<>();
                        for (DiscoveredPlugin p : stack.subList(seen, stack.size())) {
                            cycle.add(p.uri());
                        }
                        cycle.add(candidate.uri());
                        throw new PluginException("failed to order plugins: circular dependency "
                                + String.join(" -> ", cycle));
                    }
                    stack.add(candidate);
                    children(stack, registered, handled, ordered);
                    stack.removeLast();
                    handled.add(candidate);
                    ordered.add(candidate);
                }
            }
        }
    }

    /**
     * Checks that every required type has at least one installed plugin (enabled or not).
     *
     * @throws PluginException naming the requiring plugin and the missing type
     */
    public static void checkRequirements(List<DiscoveredPlugin> registered) {
        Set<PluginType> types = new HashSet<>();
        for (DiscoveredPlugin plugin : registered) {
            types.add(plugin.type());
        }
        for (DiscoveredPlugin plugin : registered) {
            for (PluginType required : plugin.requires()) {
                if (required.equals(ALL)) {
                    if (plugin.requires().size() != 1) {
                        throw new PluginException("invalid plugin " + plugin + ": requires \"*\" with other types "
                                + plugin.requires());
                    }
                } else if (!types.contains(required)) {
                    throw new PluginException("failed to load plugin " + plugin + ": it requires a plugin of type "
                            + required + " and none is installed");
                }
            }
        }
    }
}
