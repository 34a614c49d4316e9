package io.jshim.plugin.taskrunc.runc;

import java.io.IOException;
import java.nio.file.Path;
import java.util.List;
import java.util.Objects;

/**
 * Runs one short-lived command to completion. In the daemon this is the framework's process launcher (its
 * reaper owns every child); tests use a plain JDK implementation.
 */
@FunctionalInterface
public interface CommandRunner {

    /** Runs {@code command} and waits for it to exit. */
    Result run(Command command) throws IOException, InterruptedException;

    /**
     * A command line.
     *
     * @param argv   program and arguments
     * @param stdin  bytes written to the child's stdin (empty: none)
     * @param stdio  file descriptors the child inherits as 0, 1, 2, or {@code null} to capture its output
     * @param workDir working directory, or {@code null} for the caller's
     */
    record Command(List<String> argv, byte[] stdin, ChildStdio stdio, Path workDir) {
        public Command {
            argv = List.copyOf(argv);
            stdin = stdin == null ? new byte[0] : stdin.clone();
        }
    }

    /** File descriptors handed to a child as its stdin, stdout and stderr ({@code -1}: /dev/null). */
    record ChildStdio(int stdin, int stdout, int stderr) {
    }

    /**
     * How a command ended.
     *
     * @param exitStatus exit code, or 128 + signal when killed
     * @param pid        the child's pid
     * @param output     its combined stdout and stderr when captured, else empty
     */
    record Result(int exitStatus, int pid, String output) {
        public Result {
            Objects.requireNonNull(output, "output is null");
        }

        public boolean success() {
            return exitStatus == 0;
        }
    }
}
