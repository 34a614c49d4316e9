package io.jshim.plugin.taskrunc.runc;

import io.jshim.posix.CommandResult;
import io.jshim.posix.CommandTimeoutException;
import io.jshim.posix.FileCalls;
import io.jshim.posix.PipeFds;
import io.jshim.posix.Posix;
import io.jshim.posix.PosixException;
import io.jshim.posix.ProcessLauncher;
import io.jshim.posix.SpawnRequest;

import java.io.IOException;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;

/**
 * Runs runc through the framework's {@link ProcessLauncher}, so the shim's reaper (not the JDK's) reaps it.
 * Fds the caller maps as {@code -1} become {@code /dev/null} explicitly: an unmapped stdout would be a
 * capture pipe, which a container process would inherit and keep open.
 */
public final class LauncherCommandRunner implements CommandRunner {
    private final Posix posix;
    private final ProcessLauncher launcher;
    private final Duration timeout;

    public LauncherCommandRunner(Posix posix, ProcessLauncher launcher, Duration timeout) {
        this.posix = Objects.requireNonNull(posix, "posix is null");
        this.launcher = Objects.requireNonNull(launcher, "launcher is null");
        this.timeout = Objects.requireNonNull(timeout, "timeout is null");
    }

    @Override
    public Result run(Command command) throws IOException, InterruptedException {
        List<Integer> toClose = new ArrayList<>();
        try {
            SpawnRequest.Builder b = SpawnRequest.builder(command.argv().getFirst()).argv(command.argv());
            if (command.workDir() != null) {
                b.workingDirectory(command.workDir());
            }
            if (command.stdin().length > 0) {
                PipeFds in = posix.pipe2(FileCalls.O_CLOEXEC);
                toClose.add(in.readFd());
                toClose.add(in.writeFd());
                int off = 0;
                while (off < command.stdin().length) {
                    off += posix.write(in.writeFd(), command.stdin(), off, command.stdin().length - off);
                }
                posix.close(in.writeFd());
                toClose.remove((Integer) in.writeFd());
                b.mapFd(0, in.readFd());
            }
            ChildStdio stdio = command.stdio();
            if (stdio != null) {
                int devNull = -1;
                int[] fds = {stdio.stdin(), stdio.stdout(), stdio.stderr()};
                for (int child = 0; child < 3; child++) {
                    if (child == 0 && command.stdin().length > 0) {
                        continue;
                    }
                    int fd = fds[child];
                    if (fd < 0) {
                        if (devNull < 0) {
                            devNull = posix.open(Path.of("/dev/null"), FileCalls.O_RDWR | FileCalls.O_CLOEXEC, 0);
                            toClose.add(devNull);
                        }
                        fd = devNull;
                    }
                    b.mapFd(child, fd);
                }
            }
            CommandResult r = launcher.run(b.build(), timeout);
            String output = (r.stdout() + r.stderr()).strip();
            return new Result(r.exitCode(), r.status().pid(), output);
        } catch (PosixException | CommandTimeoutException e) {
            throw new IOException(e.getMessage(), e);
        } finally {
            for (int fd : toClose) {
                try {
                    posix.close(fd);
                } catch (PosixException ignored) {
                    // already closed
                }
            }
        }
    }
}
