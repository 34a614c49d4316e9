package io.jshim.plugin.taskrunc.runc;

import java.nio.file.Path;
import java.util.List;

/**
 * criu options shared by {@code runc checkpoint} and {@code runc restore}.
 *
 * @param imagePath   directory of the checkpoint image
 * @param workPath    criu's work directory (logs), or {@code null}
 * @param exit        checkpoint: stop the container afterwards (otherwise {@code --leave-running})
 * @param openTcp     {@code --tcp-established}
 * @param unixSockets {@code --ext-unix-sk}
 * @param terminal    {@code --shell-job}
 * @param fileLocks   {@code --file-locks}
 * @param emptyNamespaces namespaces passed as {@code --empty-ns}
 */
public record CheckpointOptions(Path imagePath, Path workPath, boolean exit, boolean openTcp, boolean unixSockets,
                                boolean terminal, boolean fileLocks, List<String> emptyNamespaces) {
    public CheckpointOptions {
        emptyNamespaces = emptyNamespaces == null ? List.of() : List.copyOf(emptyNamespaces);
    }

    List<String> criuArgs() {
        List<String> args = new java.util.ArrayList<>();
        args.add("--image-path");
        args.add(imagePath.toString());
        if (workPath != null) {
            args.add("--work-path");
            args.add(workPath.toString());
        }
        if (openTcp) {
            args.add("--tcp-established");
        }
        if (unixSockets) {
            args.add("--ext-unix-sk");
        }
        if (terminal) {
            args.add("--shell-job");
        }
        if (fileLocks) {
            args.add("--file-locks");
        }
        for (String ns : emptyNamespaces) {
            args.add("--empty-ns");
            args.add(ns);
        }
        return args;
    }
}
