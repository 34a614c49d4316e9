package io.jshim.framework;

/** Invalid configuration: the message names the file, the line and the key. The shim does not start. */
public final class ConfigurationException extends ShimException {
    /** @param message names the file, line and key */
    public ConfigurationException(String message) {
        super(message);
    }

    /** @param message names the file, line and key; {@code cause} the parser's error */
    public ConfigurationException(String message, Throwable cause) {
        super(message, cause);
    }
}
