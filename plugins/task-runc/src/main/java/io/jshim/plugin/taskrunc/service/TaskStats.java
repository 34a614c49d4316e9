package io.jshim.plugin.taskrunc.service;

import com.google.protobuf.Any;
import io.jshim.plugin.taskrunc.container.Container;

/** Cgroup metrics of a container as an Any ({@code io.containerd.cgroups.v1.Metrics} or {@code v2}). */
@FunctionalInterface
public interface TaskStats {
    /** The metrics of {@code container}. */
    Any stats(Container container);
}
