package io.jshim.plugin.taskrunc.runc;

import io.jshim.posix.CommandResult;
import io.jshim.posix.CommandTimeoutException;
import io.jshim.posix.FileCalls;
import io.jshim.posix.PipeFds;
import io.jshim.posix.Posix;
import io.jshim.posix.PosixException;
import io.jshim.posix.ProcessLauncher;
import io.jshim.posix.SpawnRequest;
import io.jshim.ttrpc.RequestContext;

import java.io.IOException;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;

/**
 * Runs runc through the framework's {@link ProcessLauncher}, so the shim's reaper (not the JDK's) reaps it.
 * A command is bounded by the configured timeout and, when it runs for a TTRPC request, by that request's
 * deadline (as the Go shim runs runc under the request's context): past it the runtime is killed.
 * Fds the caller maps as {@code -1} become {@code /dev/null} explicitly: an unmapped stdout would be a
 * capture pipe, which a container process would inherit and keep open.
 */
public final class LauncherCommandRunner implements CommandRunner {
    private static final Duration MIN_TIMEOUT = Duration.ofMillis(1);

    private final Posix posix;
    private final ProcessLauncher launcher;
    private final Duration timeout;

    public LauncherCommandRunner(Posix posix, ProcessLauncher launcher, Duration timeout) {
        this.posix = Objects.requireNonNull(posix, "posix is null");
        this.launcher = Objects.requireNonNull(launcher, "launcher is null");
        this.timeout = Objects.requireNonNull(timeout, "timeout is null");
    }

    /** {@code configured}, or less when the current TTRPC request's deadline comes first (at least 1 ms). */
    static Duration boundedByRequestDeadline(Duration configured) {
        return RequestContext.currentIfPresent().flatMap(RequestContext::remaining)
                .filter(left -> left.compareTo(configured) < 0)
                .map(left -> left.compareTo(MIN_TIMEOUT) < 0 ? MIN_TIMEOUT : left)
                .orElse(configured);
    }

    /**
     * Runs the command on a virtual thread of its own. The TTRPC server interrupts a handler at its deadline, and
     * an interrupted wait would leave the runtime running; the command's own limit (bounded by the same deadline)
     * kills it instead, and an interrupted caller waits for that before it gives up.
     */
    private CommandResult runToCompletion(SpawnRequest request, Duration limit) throws InterruptedException {
        CompletableFuture<CommandResult> result = new CompletableFuture<>();
        Thread.ofVirtual().name("runtime-" + request.argv().getFirst()).start(() -> {
            try {
                result.complete(launcher.run(request, limit));
            } catch (Throwable e) {
                result.completeExceptionally(e);
            }
        });
        boolean interrupted = false;
        while (true) {
            try {
                CommandResult r = result.get();
                if (interrupted) {
                    throw new InterruptedException("interrupted while running " + request.argv());
                }
                return r;
            } catch (InterruptedException e) {
                if (interrupted) {
                    throw e;
                }
                interrupted = true;
            } catch (ExecutionException e) {
                if (e.getCause() instanceof RuntimeException runtime) {
                    throw runtime;
                }
                if (e.getCause() instanceof Error error) {
                    throw error;
                }
                throw new IllegalStateException(e.getCause());
            }
        }
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
            CommandResult r = runToCompletion(b.build(), boundedByRequestDeadline(timeout));
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
