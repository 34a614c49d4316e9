package io.jshim.plugin.taskrunc.cgroups;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * Where a process's cgroups are, from {@code /proc/PID/cgroup}: the unified (v2) directory when the host runs
 * cgroup v2 only, else one directory per v1 controller.
 */
public record CgroupPaths(Path unified, Map<String, Path> controllers) {

    /** Parses {@code procCgroup} and resolves paths under {@code root} ({@code /sys/fs/cgroup}). */
    public static CgroupPaths of(Path procCgroup, Path root) {
        Map<String, Path> controllers = new LinkedHashMap<>();
        Path unified = null;
        boolean pureV2 = Files.exists(root.resolve("cgroup.controllers"));
        for (String line : CgroupFiles.lines(procCgroup)) {
            String[] parts = line.split(":", 3);
            if (parts.length != 3) {
                continue;
            }
            String rel = parts[2].startsWith("/") ? parts[2].substring(1) : parts[2];
            if (parts[0].equals("0") && parts[1].isEmpty()) {
                if (pureV2) {
                    unified = root.resolve(rel);
                }
                continue;
            }
            for (String controller : parts[1].split(",")) {
                if (controller.isEmpty() || controller.startsWith("name=")) {
                    continue;
                }
                Path mount = root.resolve(parts[1]);
                if (!Files.isDirectory(mount)) {
                    mount = root.resolve(controller);
                }
                controllers.put(controller, mount.resolve(rel));
            }
        }
        return new CgroupPaths(unified, controllers);
    }

    /** The directory of a v1 controller, or null. */
    public Path controller(String name) {
        return controllers.get(name);
    }

    /** Whether no cgroup was found. */
    public boolean isEmpty() {
        return unified == null && controllers.isEmpty();
    }
}
