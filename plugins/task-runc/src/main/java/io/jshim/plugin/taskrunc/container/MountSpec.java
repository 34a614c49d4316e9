package io.jshim.plugin.taskrunc.container;

import java.util.List;

/** One rootfs mount of a Create request ({@code containerd.types.Mount}). */
public record MountSpec(String type, String source, String target, List<String> options) {
    public MountSpec {
        options = List.copyOf(options);
    }
}
