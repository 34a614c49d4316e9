package io.jshim.plugin.taskrunc.cgroups;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/** Parsers of the cgroup file formats; a missing file reads as empty (containerd's IgnoreNotExist). */
final class CgroupFiles {
    private CgroupFiles() {
    }

    /** A single number; "max" reads as {@code Long.MAX_VALUE}. */
    static long value(Path file) {
        List<String> lines = lines(file);
        if (lines.isEmpty()) {
            return 0;
        }
        return number(lines.getFirst().strip());
    }

    /** "key value" lines. */
    static Map<String, Long> flatKeyed(Path file) {
        Map<String, Long> out = new LinkedHashMap<>();
        for (String line : lines(file)) {
            String[] parts = line.strip().split("\\s+");
            if (parts.length == 2) {
                out.put(parts[0], number(parts[1]));
            }
        }
        return out;
    }

    /** "MAJ:MIN key=value key=value" lines (cgroup v2 io.stat), by device. */
    static Map<String, Map<String, Long>> nestedKeyed(Path file) {
        Map<String, Map<String, Long>> out = new LinkedHashMap<>();
        for (String line : lines(file)) {
            String[] parts = line.strip().split("\\s+");
            if (parts.length < 2) {
                continue;
            }
            Map<String, Long> values = new LinkedHashMap<>();
            for (int i = 1; i < parts.length; i++) {
                int eq = parts[i].indexOf('=');
                if (eq > 0) {
                    values.put(parts[i].substring(0, eq), number(parts[i].substring(eq + 1)));
                }
            }
            out.put(parts[0], values);
        }
        return out;
    }

    /** Space-separated numbers on one line (cpuacct.usage_percpu). */
    static List<Long> values(Path file) {
        List<Long> out = new ArrayList<>();
        for (String line : lines(file)) {
            for (String s : line.strip().split("\\s+")) {
                if (!s.isEmpty()) {
                    out.add(number(s));
                }
            }
        }
        return out;
    }

    /** The names of the entries of a directory, sorted; none when it cannot be read. */
    static List<String> names(Path dir) {
        try (var entries = Files.list(dir)) {
            return entries.map(p -> p.getFileName().toString()).sorted().toList();
        } catch (IOException e) {
            return List.of();
        }
    }

    static List<String> lines(Path file) {
        try {
            return Files.readAllLines(file);
        } catch (IOException e) {
            return List.of();
        }
    }

    static long number(String s) {
        if (s.equals("max")) {
            return Long.MAX_VALUE;
        }
        try {
            return Long.parseUnsignedLong(s);
        } catch (NumberFormatException e) {
            return 0;
        }
    }
}
