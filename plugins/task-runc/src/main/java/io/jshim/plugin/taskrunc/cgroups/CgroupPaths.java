package io.jshim.plugin.taskrunc.cgroups;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

/**
 * Where a process's cgroups are, from {@code /proc/PID/cgroup}: the unified (v2) directory when the host runs
 * cgroup v2 only, else one directory per v1 controller. A v1 controller's directory is found when first asked
 * for (a {@code stat} of its hierarchy's mount): the OOM watch on every Create asks for one controller of the
 * dozen a v1 host lists.
 */
public final class CgroupPaths {
    private final Path root;
    private final Path unified;
    /** Each v1 controller's line: the hierarchy's name (e.g. {@code cpu,cpuacct}) and the path in it. */
    private final Map<String, Membership> memberships;
    private final Map<String, Path> resolved = new ConcurrentHashMap<>();

    /** A v1 controller's hierarchy (as {@code /proc/PID/cgroup} names it) and the path relative to its root. */
    private record Membership(String hierarchy, String relative) {
    }

    private CgroupPaths(Path root, Path unified, Map<String, Membership> memberships) {
        this.root = root;
        this.unified = unified;
        this.memberships = memberships;
    }

    /** Parses {@code procCgroup} and resolves paths under {@code root} ({@code /sys/fs/cgroup}). */
    public static CgroupPaths of(Path procCgroup, Path root) {
        Map<String, Membership> memberships = new HashMap<>();
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
                memberships.put(controller, new Membership(parts[1], rel));
            }
        }
        return new CgroupPaths(root, unified, Map.copyOf(memberships));
    }

    /** The unified (v2) directory on a cgroup v2 only host, else null. */
    public Path unified() {
        return unified;
    }

    /**
     * The directory of a v1 controller, or null: under the hierarchy's mount ({@code cpu,cpuacct}) when that is a
     * directory, else under the controller's own name ({@code cpuacct}, the usual link to it).
     */
    public Path controller(String name) {
        Membership m = memberships.get(name);
        if (m == null) {
            return null;
        }
        return resolved.computeIfAbsent(name, controller -> {
            Path mount = root.resolve(m.hierarchy());
            if (!Files.isDirectory(mount)) {
                mount = root.resolve(controller);
            }
            return mount.resolve(m.relative());
        });
    }

    /** Whether no cgroup was found. */
    public boolean isEmpty() {
        return unified == null && memberships.isEmpty();
    }
}
