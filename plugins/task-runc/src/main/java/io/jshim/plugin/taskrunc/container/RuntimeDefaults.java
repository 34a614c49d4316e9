package io.jshim.plugin.taskrunc.container;

import java.nio.file.Path;
import java.util.Objects;

/**
 * The runtime used when a request names none.
 *
 * @param binary default runtime binary ({@code runc})
 * @param root   default state root ({@code /run/containerd/runc}); the namespace is appended
 */
public record RuntimeDefaults(String binary, Path root) {
    public RuntimeDefaults {
        Objects.requireNonNull(binary, "binary is null");
        Objects.requireNonNull(root, "root is null");
    }
}
