package io.jshim.framework.plugin;

import static java.util.Objects.requireNonNull;

/**
 * The type of a shim plugin, e.g. {@code io.containerd.ttrpc.v1}.
 *
 * <p>Plugins declare the types they {@linkplain ShimPlugin#requires() require}; the registry starts every
 * plugin of a required type before the requiring plugin, exactly like containerd's plugin graph. The
 * constants are containerd's own type names, so a plugin's state dir ({@code BUNDLE/<type>.<id>}) and its
 * configuration key ({@code plugins."<type>".<id>}) are the ones a Go shim would use.
 *
 * @param name the type's full name, a non-empty string without whitespace
 */
public record PluginType(String name) {
    /** Plugins contributing TTRPC services (containerd's {@code plugins.TTRPCPlugin}). */
    public static final PluginType TTRPC = new PluginType("io.containerd.ttrpc.v1");
    /** Plugins publishing events (containerd's {@code plugins.EventPlugin}). */
    public static final PluginType EVENT = new PluginType("io.containerd.event.v1");
    /** Internal services such as shutdown (containerd's {@code plugins.InternalPlugin}). */
    public static final PluginType INTERNAL = new PluginType("io.containerd.internal.v1");
    /** Debug endpoints such as profilers (containerd's {@code plugins.DebugPlugin}... shim side). */
    public static final PluginType DEBUG = new PluginType("io.containerd.debug.v1");

    /** Validates the name. */
    public PluginType {
        requireNonNull(name, "name is null");
        if (name.isBlank() || name.chars().anyMatch(Character::isWhitespace)) {
            throw new IllegalArgumentException("invalid plugin type name: \"" + name + "\"");
        }
    }

    /** Returns the type with the given name (equal to the constant of the same name, if any). */
    public static PluginType of(String name) {
        return new PluginType(name);
    }

    @Override
    public String toString() {
        return name;
    }
}
