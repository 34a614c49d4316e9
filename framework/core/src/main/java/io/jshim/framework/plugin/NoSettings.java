package io.jshim.framework.plugin;

/** The settings of a plugin that has none besides {@code enabled}: any other key is rejected. */
public record NoSettings() {
}
