package io.jshim.plugin.taskrunc.oom;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.OptionalLong;
import java.util.stream.Stream;

/**
 * The OOM kill counter of a memory cgroup: the {@code oom_kill N} line of {@code memory.events} (cgroup v2) or of
 * {@code memory.oom_control} (cgroup v1, kernel 4.13 and later). The kernel raises it before it sends the victim
 * SIGKILL, so it has risen by the time the victim's exit is reaped. On v2 it counts the kills in the cgroup and
 * below it; on v1 only those of the victim's own cgroup, so {@link #readV1} adds up the cgroups below.
 */
final class OomKills {
    static final String V1_FILE = "memory.oom_control";
    private static final String KEY = "oom_kill";
    private static final String KILL_DISABLED = "oom_kill_disable 1";

    private OomKills() {
    }

    /** The counter in {@code file}; empty when the file is gone or has no {@code oom_kill} line (v1 before 4.13). */
    static OptionalLong read(Path file) {
        return parse(lines(file));
    }

    /**
     * The kills in v1 memory cgroup {@code memory} and every cgroup below it (a process of a container may live in
     * a nested cgroup, where v1 counts its kill); empty when {@code memory}'s own file has no counter, or is gone.
     */
    static OptionalLong readV1(Path memory) {
        OptionalLong own = read(memory.resolve(V1_FILE));
        if (own.isEmpty() || !mayHaveSubdirectories(memory)) {
            return own;
        }
        long kills = own.getAsLong();
        try (Stream<Path> below = Files.walk(memory)) {
            for (Path dir : below.filter(path -> !path.equals(memory) && Files.isDirectory(path)).toList()) {
                kills += read(dir.resolve(V1_FILE)).orElse(0);
            }
        } catch (IOException | UncheckedIOException e) {
            // a cgroup below went away while it was listed: its kills were counted when it was there
        }
        return OptionalLong.of(kills);
    }

    /**
     * Whether {@code dir} may have subdirectories: false only when its link count is 2, which on cgroupfs (kernfs),
     * as on ext4 or tmpfs, means none (a directory's count is 2 plus its subdirectories). A container's memory cgroup
     * is almost always a leaf: one {@code stat} instead of listing and {@code stat}ing its thirty-odd files, on the
     * path of every exit. Any other count (btrfs reports 1 for every directory) or none readable: maybe.
     */
    static boolean mayHaveSubdirectories(Path dir) {
        try {
            return !(Files.getAttribute(dir, "unix:nlink") instanceof Integer links && links == 2);
        } catch (IOException | UnsupportedOperationException | IllegalArgumentException e) {
            return true;
        }
    }

    /** The lines of {@code file}; none when it is gone (with its cgroup). */
    static List<String> lines(Path file) {
        try {
            return Files.readAllLines(file);
        } catch (IOException e) {
            return List.of();
        }
    }

    /** Whether v1 {@code memory.oom_control} {@code lines} say the OOM killer is off: OOMs wait, nothing is killed. */
    static boolean killerDisabled(List<String> lines) {
        return lines.stream().anyMatch(line -> line.strip().equals(KILL_DISABLED));
    }

    /** The counter among "key value" {@code lines}; empty when no well-formed {@code oom_kill} line is there. */
    static OptionalLong parse(List<String> lines) {
        for (String line : lines) {
            String[] parts = line.strip().split("\\s+");
            if (parts.length == 2 && parts[0].equals(KEY)) {
                try {
                    return OptionalLong.of(Long.parseUnsignedLong(parts[1]));
                } catch (NumberFormatException e) {
                    return OptionalLong.empty();
                }
            }
        }
        return OptionalLong.empty();
    }
}
