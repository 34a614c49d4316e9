package io.jshim.framework.plugin;

import io.jshim.framework.ShimOptions;
import java.nio.file.Path;

/**
 * What the framework gives a plugin when it asks for the plugin's {@link com.google.inject.Module}: the
 * shim options, the plugin's state directory and its typed settings. Plugin modules capture what they need
 * from it and bind it (e.g. {@code bind(MySettings.class).toInstance(ctx.settings(MySettings.class))}).
 */
public interface PluginContext {
    /** The plugin's type. */
    PluginType type();

    /** The plugin's id. */
    String id();

    /** {@code <type>.<id>}, e.g. {@code io.containerd.event.v1.publisher}: names the plugin in logs and errors. */
    default String uri() {
        return type().name() + "." + id();
    }

    /** The shim's flags and environment. */
    ShimOptions options();

    /**
     * The plugin's state directory {@code BUNDLE/<type>.<id>} (as containerd's Go shim), created with
     * mode 0700 on the first call. It lives as long as the bundle: containerd deletes it with the task.
     *
     * @throws java.io.UncheckedIOException when the directory cannot be created
     */
    Path stateDir();

    /**
     * The plugin's settings: the HOCON block {@code plugins."<type>".<id>} (without {@code enabled}) mapped
     * onto the record {@link ShimPlugin#settingsType()}, already validated at start-up (unknown keys and
     * wrong types stop the shim before any plugin starts).
     *
     * @param type must be the plugin's {@link ShimPlugin#settingsType()}
     * @throws IllegalArgumentException when {@code type} is not the plugin's settings type
     */
    <T extends Record> T settings(Class<T> type);
}
