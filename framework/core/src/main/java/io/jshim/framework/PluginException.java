package io.jshim.framework;

/**
 * A plugin could not be discovered, ordered, configured or started: the message names the plugin
 * ({@code <type>.<id>}) and, for discovery errors, the jar it came from.
 */
public final class PluginException extends ShimException {
    /** @param message names the plugin(s) involved */
    public PluginException(String message) {
        super(message);
    }

    /** @param message names the plugin(s) involved; {@code cause} the plugin's error */
    public PluginException(String message, Throwable cause) {
        super(message, cause);
    }
}
