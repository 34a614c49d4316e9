package io.jshim.plugin.pprofjfr;

import static java.util.Objects.requireNonNull;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.atomic.AtomicLong;

/**
 * Names fresh files in the plugin's state dir for dumps that the JVM writes to a path (thread dumps, heap dumps,
 * recordings). The JVM refuses to overwrite, so every name is new.
 */
final class ScratchFiles {
    private final Path directory;
    private final AtomicLong counter = new AtomicLong();

    ScratchFiles(Path directory) {
        this.directory = requireNonNull(directory, "directory is null").toAbsolutePath();
    }

    /** Returns a path that does not exist yet, creating the directory when needed. */
    Path newFile(String prefix, String suffix) throws IOException {
        Files.createDirectories(directory);
        while (true) {
            Path candidate = directory.resolve(prefix + "-" + ProcessHandle.current().pid() + "-" + counter.incrementAndGet() + suffix);
            if (Files.notExists(candidate)) {
                return candidate;
            }
        }
    }

    Path directory() {
        return directory;
    }
}
