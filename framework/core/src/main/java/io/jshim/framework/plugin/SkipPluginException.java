package io.jshim.framework.plugin;

/**
 * Thrown by {@link ShimPlugin#module(PluginContext)} when the plugin does not apply on this host or with
 * this configuration (containerd's {@code plugin.ErrSkipPlugin}). Skipping is a normal outcome: the
 * registry logs it at info level with the message, contributes nothing from the plugin and skips every
 * plugin that requires the skipped plugin's type and has no other plugin of that type loaded.
 */
public class SkipPluginException extends Exception {
    /** @param reason why the plugin does not apply, e.g. "cgroup v2 is not mounted" */
    public SkipPluginException(String reason) {
        super(reason);
    }

    /** @param reason why the plugin does not apply; {@code cause} the error that showed it */
    public SkipPluginException(String reason, Throwable cause) {
        super(reason, cause);
    }
}
