package io.jshim.plugin.taskrunc.container;

import io.jshim.plugin.taskrunc.options.RuncOptions;
import io.jshim.plugin.taskrunc.stdio.StdioPaths;

import java.nio.file.Path;
import java.util.List;

/**
 * A Create request in domain terms.
 *
 * @param checkpoint checkpoint image to restore from, or empty
 */
public record CreateRequest(String id, Path bundle, List<MountSpec> rootfs, StdioPaths stdio, String checkpoint,
                            RuncOptions options) {
    public CreateRequest {
        rootfs = List.copyOf(rootfs);
        checkpoint = checkpoint == null ? "" : checkpoint;
    }
}
