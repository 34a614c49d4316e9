package io.jshim.plugin.taskrunc;

import java.nio.file.Path;
import java.time.Duration;

/**
 * Settings of the task plugin: HOCON block {@code plugins."io.containerd.ttrpc.v1".task}.
 *
 * @param runtimeBinary runtime used when the task's options name none ({@code runc}; {@code crun} works)
 * @param runcRoot      runtime state root when the options name none; the namespace is appended
 * @param runcTimeout   longest a single runtime command may run
 */
public record TaskRuncSettings(String runtimeBinary, Path runcRoot, Duration runcTimeout) {
}
