package io.jshim.plugin.pprofjfr;

import com.google.inject.Module;
import io.jshim.framework.ShimOptions;
import io.jshim.framework.plugin.PluginContext;
import io.jshim.framework.plugin.PluginType;
import io.jshim.framework.plugin.ShimPlugin;
import io.jshim.framework.plugin.SkipPluginException;
import java.nio.file.Path;

/**
 * The {@code io.containerd.debug.v1.pprof-jfr} plugin: the shim's debug socket with Java Flight Recorder, thread and
 * heap dumps (see {@link DebugServer}), the JVM's counterpart of the Go shim's pprof endpoint.
 *
 * <p>It serves when containerd runs the shim with {@code -debug}, or when the configuration says
 * {@code plugins."io.containerd.debug.v1".pprof-jfr.always = true}; {@code enabled = false} turns it off even with
 * {@code -debug}. Otherwise it skips itself before any of its other classes, or Jetty's, is loaded: this descriptor
 * names them only on the path that serves.
 *
 * <p>The socket is {@code -debug-socket} when containerd passes it, else the task socket ({@code -socket}, or the
 * listening socket inherited on fd 0) plus {@value #DEBUG_SOCKET_SUFFIX}; it has mode 0600.
 */
public final class PprofJfrPlugin implements ShimPlugin {
    /** Appended to the task socket path to name the debug socket when {@code -debug-socket} is not given. */
    public static final String DEBUG_SOCKET_SUFFIX = ".debug";

    /**
     * The plugin's block {@code plugins."io.containerd.debug.v1".pprof-jfr} (besides {@code enabled}).
     *
     * @param always serve the debug socket even when the shim runs without {@code -debug}
     */
    public record Settings(boolean always) {}

    @Override
    public PluginType type() {
        return PluginType.DEBUG;
    }

    @Override
    public String id() {
        return "pprof-jfr";
    }

    @Override
    public Class<Settings> settingsType() {
        return Settings.class;
    }

    @Override
    public Module module(PluginContext context) throws SkipPluginException {
        ShimOptions options = context.options();
        if (!options.debug() && !context.settings(Settings.class).always()) {
            throw new SkipPluginException("the shim runs without -debug (set plugins.\"" + type() + "\"." + id()
                    + ".always = true to serve the debug socket anyway)");
        }
        Path socket = DebugSocketPath.resolve(options, DebugSocketPath.inheritedChannel());
        return PprofJfrModule.serving(socket, context.stateDir());
    }
}
