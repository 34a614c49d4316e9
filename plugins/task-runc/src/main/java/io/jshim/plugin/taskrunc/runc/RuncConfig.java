package io.jshim.plugin.taskrunc.runc;

import java.nio.file.Path;
import java.util.Objects;

/**
 * The global flags of every runc invocation of one container.
 *
 * @param binary        runtime binary (runc, crun, or a path)
 * @param root          runc state root, already including the namespace ({@code /run/containerd/runc/NS})
 * @param log           runc's log file ({@code BUNDLE/log.json}), read back for error messages
 * @param systemdCgroup pass {@code --systemd-cgroup}
 * @param criuPath      criu binary, or empty for runc's default
 */
public record RuncConfig(String binary, Path root, Path log, boolean systemdCgroup, String criuPath) {
    public RuncConfig {
        Objects.requireNonNull(binary, "binary is null");
        Objects.requireNonNull(root, "root is null");
        Objects.requireNonNull(log, "log is null");
        criuPath = criuPath == null ? "" : criuPath;
    }
}
