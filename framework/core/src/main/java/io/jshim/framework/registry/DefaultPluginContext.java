package io.jshim.framework.registry;

import static java.util.Objects.requireNonNull;

import io.jshim.framework.ShimOptions;
import io.jshim.framework.plugin.PluginContext;
import io.jshim.framework.plugin.PluginType;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;

/** The context the registry gives one plugin. */
final class DefaultPluginContext implements PluginContext {
    private final PluginType type;
    private final String id;
    private final ShimOptions options;
    private final Record settings;

    DefaultPluginContext(PluginType type, String id, ShimOptions options, Record settings) {
        this.type = requireNonNull(type, "type is null");
        this.id = requireNonNull(id, "id is null");
        this.options = requireNonNull(options, "options is null");
        this.settings = requireNonNull(settings, "settings is null");
    }

    @Override
    public PluginType type() {
        return type;
    }

    @Override
    public String id() {
        return id;
    }

    @Override
    public ShimOptions options() {
        return options;
    }

    @Override
    public Path stateDir() {
        Path dir = options.bundle().resolve(uri());
        try {
            if (!Files.isDirectory(dir)) {
                Files.createDirectories(dir, PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rwx------")));
            }
            return dir;
        } catch (IOException e) {
            throw new UncheckedIOException("failed to create state dir " + dir + " of plugin " + uri() + ": " + e.getMessage(), e);
        }
    }

    @Override
    public <T extends Record> T settings(Class<T> settingsType) {
        if (!settingsType.isInstance(settings)) {
            throw new IllegalArgumentException("plugin " + uri() + " asked for settings " + settingsType.getName()
                    + " but its settingsType() is " + settings.getClass().getName());
        }
        return settingsType.cast(settings);
    }
}
