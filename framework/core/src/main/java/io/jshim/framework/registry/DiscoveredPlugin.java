package io.jshim.framework.registry;

import static java.util.Objects.requireNonNull;

import io.jshim.framework.plugin.PluginType;
import io.jshim.framework.plugin.ShimPlugin;
import java.util.Set;

/**
 * A plugin found by discovery, with where it came from (a jar path, or "class path").
 *
 * @param plugin the descriptor
 * @param source the jar (or "class path") it was loaded from, for error messages
 */
public record DiscoveredPlugin(ShimPlugin plugin, String source) {
    /** Checks the descriptor's type and id. */
    public DiscoveredPlugin {
        requireNonNull(plugin, "plugin is null");
        requireNonNull(source, "source is null");
        requireNonNull(plugin.type(), () -> "plugin " + plugin.getClass().getName() + " from " + source + " has no type");
        String id = requireNonNull(plugin.id(), () -> "plugin " + plugin.getClass().getName() + " from " + source + " has no id");
        if (!id.matches("[A-Za-z0-9._-]+")) {
            throw new IllegalArgumentException("plugin " + plugin.getClass().getName() + " from " + source
                    + " has an invalid id \"" + id + "\" (letters, digits, '.', '_', '-')");
        }
        requireNonNull(plugin.requires(), () -> "plugin " + plugin.getClass().getName() + " from " + source + " requires null");
    }

    /** The plugin's type. */
    public PluginType type() {
        return plugin.type();
    }

    /** The plugin's id. */
    public String id() {
        return plugin.id();
    }

    /** The types it requires. */
    public Set<PluginType> requires() {
        return plugin.requires();
    }

    /** {@code <type>.<id>}. */
    public String uri() {
        return plugin.type().name() + "." + plugin.id();
    }

    @Override
    public String toString() {
        return uri() + " (" + source + ")";
    }
}
