package io.jshim.plugin.taskrunc.container;

import io.jshim.framework.PrivateFiles;
import io.jshim.plugin.taskrunc.runc.RuncConfig;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Optional;

/**
 * What a launcher script needs to run the {@code delete} action after the daemon died without starting a JVM: the
 * runc binary, its state root (with the namespace) and the systemd cgroup flag the daemon created the container
 * with. Written in the bundle at Create, before {@code runc create}, as {@value #FILE_NAME}: four lines
 * ({@value #FORMAT}, binary, root, {@code true}/{@code false}), mode 0600, so {@code sh} reads it with {@code read}
 * (no JSON). A value a line cannot hold (a newline, an empty one) writes no record: the launcher then runs the
 * JVM's {@code delete}, which reads {@code options.json}.
 */
public final class DeleteRuntimeRecord {
    /** The record's file name in the bundle. */
    public static final String FILE_NAME = "jshim-runc";
    /** The first line: the format, which a launcher checks before it trusts the rest. */
    public static final String FORMAT = "jshim-runc 1";

    private DeleteRuntimeRecord() {
    }

    /** The record's text for {@code config}, or empty when a value cannot be one line. */
    static Optional<String> text(RuncConfig config) {
        List<String> values = List.of(config.binary(), config.root().toString());
        for (String value : values) {
            if (value.isEmpty() || value.indexOf('\n') >= 0 || value.indexOf('\r') >= 0) {
                return Optional.empty();
            }
        }
        return Optional.of(FORMAT + "\n" + config.binary() + "\n" + config.root() + "\n" + config.systemdCgroup() + "\n");
    }

    /**
     * Writes (atomically, mode 0600) the record of the container created in {@code bundle} with {@code config}, or
     * removes a previous one when {@code config} cannot be recorded.
     *
     * @throws IOException when the file cannot be written (nothing is left behind)
     */
    public static void write(Path bundle, RuncConfig config) throws IOException {
        Path target = bundle.resolve(FILE_NAME);
        Optional<String> text = text(config);
        if (text.isEmpty()) {
            Files.deleteIfExists(target);
            return;
        }
        PrivateFiles.replace(target, text.get());
    }
}
