package io.jshim.plugin.taskrunc.stdio;

import io.jshim.plugin.taskrunc.error.TaskException;
import io.jshim.plugin.taskrunc.threads.ReadyThreads;
import io.jshim.posix.FileCalls;
import io.jshim.posix.PipeFds;
import io.jshim.posix.Posix;
import io.jshim.posix.PosixException;
import io.jshim.posix.SpawnRequest;

import java.io.IOException;
import java.net.URI;
import java.net.URISyntaxException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;

/**
 * Builds the {@link ProcessIo} of a process from what the client asked for, like the Go shim's
 * {@code createIO}: FIFO paths (output FIFOs opened read-write and non-blocking first, so that opening never waits
 * for the client; the stdin FIFO as a reader plus the shim's own writer, see {@link StdinFifo}), {@code file://PATH} (stdout and stderr appended to one file), {@code binary://PATH?k=v} (a logging
 * binary reading the pipes as fds 3 and 4 and closing fd 5 when ready), or nothing.
 */
public final class StdioFactory {
    private final Posix posix;
    private final ReadyThreads threads;

    /** @param threads where the copies run */
    public StdioFactory(Posix posix, ReadyThreads threads) {
        this.posix = Objects.requireNonNull(posix, "posix is null");
        this.threads = Objects.requireNonNull(threads, "threads is null");
    }

    /**
     * Opens the IO of process {@code processId} of container {@code containerId} in {@code namespace}; every
     * pipe the process gets is owned by {@code owner}.
     *
     * @throws TaskException.InvalidArgument for an unsupported URI scheme
     * @throws TaskException.Unknown when a FIFO, file, pipe or logging binary cannot be opened
     */
    public ProcessIo open(String namespace, String containerId, String processId, StdioPaths paths, IoOwner owner) {
        if (paths.terminal()) {
            return openTerminal(processId, paths);
        }
        if (paths.isNull()) {
            return ProcessIo.NULL;
        }
        URI stdoutUri = parse(paths.stdout());
        String scheme = stdoutUri == null || stdoutUri.getScheme() == null ? "fifo" : stdoutUri.getScheme();
        List<Integer> opened = new ArrayList<>();
        try {
            return switch (scheme) {
                case "fifo" -> fifoIo(processId, paths, opened, owner);
                case "file" -> fileIo(processId, paths, stdoutUri, opened, owner);
                case "binary" -> binaryIo(namespace, containerId, processId, stdoutUri, opened, owner);
                default -> throw new TaskException.InvalidArgument("unknown STDIO scheme " + scheme);
            };
        } catch (PosixException | IOException e) {
            opened.forEach(this::closeQuietly);
            throw new TaskException.Unknown("failed to open stdio of process " + processId + ": " + e.getMessage(),
                    e);
        } catch (RuntimeException e) {
            opened.forEach(this::closeQuietly);
            throw e;
        }
    }

    private ProcessIo openTerminal(String processId, StdioPaths paths) {
        List<Integer> opened = new ArrayList<>();
        try {
            StdinFifo in = paths.stdin().isEmpty() ? null : stdinFifo(paths.stdin(), opened);
            int out = paths.stdout().isEmpty() ? -1 : track(opened, openFifo(paths.stdout()));
            return new TerminalIo(posix, threads, processId, in, out);
        } catch (PosixException e) {
            opened.forEach(this::closeQuietly);
            throw new TaskException.Unknown("failed to open console fifos of process " + processId + ": "
                    + e.getMessage(), e);
        }
    }

    private ProcessIo fifoIo(String processId, StdioPaths paths, List<Integer> opened, IoOwner owner)
            throws IOException {
        PipeIo.Input in = null;
        PipeIo.Stream out = null;
        PipeIo.Stream err = null;
        if (!paths.stdin().isEmpty()) {
            in = new PipeIo.Input(pipe(opened, owner), stdinFifo(paths.stdin(), opened));
        }
        if (!paths.stdout().isEmpty()) {
            int fifo = track(opened, openFifo(paths.stdout()));
            out = new PipeIo.Stream(pipe(opened, owner), fifo);
        }
        if (!paths.stderr().isEmpty()) {
            int fifo = track(opened, openFifo(paths.stderr()));
            err = new PipeIo.Stream(pipe(opened, owner), fifo);
        }
        return new PipeIo(posix, threads, processId, in, out, err);
    }

    private ProcessIo fileIo(String processId, StdioPaths paths, URI uri, List<Integer> opened, IoOwner owner)
            throws IOException {
        Path file = Path.of(uri.getPath());
        if (file.getParent() != null) {
            Files.createDirectories(file.getParent());
        }
        int fd = track(opened, posix.open(file,
                FileCalls.O_WRONLY | FileCalls.O_APPEND | FileCalls.O_CREAT | FileCalls.O_CLOEXEC, 0644));
        PipeIo.Stream out = new PipeIo.Stream(pipe(opened, owner), fd);
        PipeIo.Stream err = new PipeIo.Stream(pipe(opened, owner), fd);
        PipeIo.Input in = null;
        if (!paths.stdin().isEmpty()) {
            in = new PipeIo.Input(pipe(opened, owner), stdinFifo(paths.stdin(), opened));
        }
        return new PipeIo(posix, threads, processId, in, out, err);
    }

    private ProcessIo binaryIo(String namespace, String containerId, String processId, URI uri,
                               List<Integer> opened, IoOwner owner) throws IOException {
        PipeFds out = pipe(opened, owner);
        PipeFds err = pipe(opened, owner);
        PipeFds ready = pipe(opened, IoOwner.ROOT);
        List<String> args = new ArrayList<>();
        queryArgs(uri).forEach((k, v) -> {
            args.add(k);
            if (!v.isEmpty()) {
                args.add(v);
            }
        });
        Map<String, String> env = new LinkedHashMap<>(System.getenv());
        env.put("CONTAINER_ID", containerId);
        env.put("CONTAINER_NAMESPACE", namespace);
        posix.spawn(SpawnRequest.builder(uri.getPath()).args(args).env(env)
                .mapFd(3, out.readFd()).mapFd(4, err.readFd()).mapFd(5, ready.writeFd()).build());
        closeQuietly(ready.writeFd());
        opened.remove((Integer) ready.writeFd());
        byte[] one = new byte[1];
        posix.read(ready.readFd(), one, 0, 1);
        closeQuietly(ready.readFd());
        opened.remove((Integer) ready.readFd());
        closeQuietly(out.readFd());
        opened.remove((Integer) out.readFd());
        closeQuietly(err.readFd());
        opened.remove((Integer) err.readFd());
        return new PipeIo(posix, threads, processId, null, new PipeIo.Stream(new PipeFds(-1, out.writeFd()), -1),
                new PipeIo.Stream(new PipeFds(-1, err.writeFd()), -1));
    }

    private static Map<String, String> queryArgs(URI uri) {
        Map<String, String> args = new LinkedHashMap<>();
        String query = uri.getRawQuery();
        if (query == null || query.isEmpty()) {
            return args;
        }
        for (String pair : query.split("&")) {
            int eq = pair.indexOf('=');
            String k = decode(eq < 0 ? pair : pair.substring(0, eq));
            String v = eq < 0 ? "" : decode(pair.substring(eq + 1));
            args.putIfAbsent(k, v);
        }
        return args;
    }

    private static String decode(String s) {
        return java.net.URLDecoder.decode(s, java.nio.charset.StandardCharsets.UTF_8);
    }

    /**
     * Opens the client's stdin FIFO as {@link StdinFifo} (reader, then the shim's writer); both fds are tracked
     * in {@code opened} for the clean-up of a failed open.
     */
    private StdinFifo stdinFifo(String path, List<Integer> opened) {
        StdinFifo fifo = StdinFifo.open(posix, Path.of(path));
        opened.add(fifo.reader());
        opened.add(fifo.writer());
        return fifo;
    }

    private int openFifo(String path) {
        int fd = posix.open(Path.of(path), FileCalls.O_RDWR | FileCalls.O_NONBLOCK | FileCalls.O_CLOEXEC, 0);
        posix.setNonBlocking(fd, false);
        return fd;
    }

    private PipeFds pipe(List<Integer> opened, IoOwner owner) throws IOException {
        PipeFds p = posix.pipe2(FileCalls.O_CLOEXEC);
        opened.add(p.readFd());
        opened.add(p.writeFd());
        if (!owner.equals(IoOwner.ROOT)) {
            chown(p.readFd(), owner);
            chown(p.writeFd(), owner);
        }
        return p;
    }

    /** fchown(2) through the fd's {@code /proc/self/fd} link, which resolves to the pipe itself. */
    private static void chown(int fd, IoOwner owner) throws IOException {
        Path link = Path.of("/proc/self/fd", Integer.toString(fd));
        Files.setAttribute(link, "unix:uid", owner.uid());
        Files.setAttribute(link, "unix:gid", owner.gid());
    }

    private static int track(List<Integer> opened, int fd) {
        opened.add(fd);
        return fd;
    }

    private static URI parse(String s) {
        if (s.isEmpty()) {
            return null;
        }
        try {
            return new URI(s);
        } catch (URISyntaxException e) {
            return null;
        }
    }

    private void closeQuietly(int fd) {
        try {
            posix.close(fd);
        } catch (PosixException ignored) {
            // already closed
        }
    }
}
