package io.jshim.plugin.taskrunc.manager;

import java.io.IOException;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.Path;

/**
 * Moves the shim daemon into the {@code shim_cgroup} of its runtime options (the Go shim's
 * {@code cgroups.Load(...).Add(pid)}): on cgroup v2 the unified directory, on v1 every mounted controller.
 */
final class ShimCgroup {
    private final Path root;

    ShimCgroup(Path root) {
        this.root = root;
    }

    void join(String cgroup, int pid) throws IOException {
        String rel = cgroup.startsWith("/") ? cgroup.substring(1) : cgroup;
        if (Files.exists(root.resolve("cgroup.controllers"))) {
            write(root.resolve(rel), pid);
            return;
        }
        boolean joined = false;
        try (DirectoryStream<Path> controllers = Files.newDirectoryStream(root)) {
            for (Path controller : controllers) {
                if (Files.isSymbolicLink(controller) || controller.getFileName().toString().equals("unified")) {
                    continue;
                }
                Path dir = controller.resolve(rel);
                if (Files.isDirectory(dir)) {
                    write(dir, pid);
                    joined = true;
                }
            }
        }
        if (!joined) {
            throw new IOException("failed to load cgroup " + cgroup + ": no such cgroup under " + root);
        }
    }

    private static void write(Path dir, int pid) throws IOException {
        try {
            Files.writeString(dir.resolve("cgroup.procs"), Integer.toString(pid));
        } catch (IOException e) {
            throw new IOException("failed to join cgroup " + dir + ": " + e.getMessage(), e);
        }
    }
}
