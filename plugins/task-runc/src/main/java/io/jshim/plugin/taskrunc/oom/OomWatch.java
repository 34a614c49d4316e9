package io.jshim.plugin.taskrunc.oom;

import io.jshim.posix.FileCalls;
import io.jshim.posix.InotifyEvent;
import io.jshim.posix.NotifyCalls;
import io.jshim.posix.Posix;
import io.jshim.posix.PosixException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

/**
 * The OOM watch of one container's memory cgroup: a platform thread {@code oom-<id>} blocked reading one fd (an
 * eventfd registered for {@code memory.oom_control} on cgroup v1, inotify on {@code memory.events} on v2). The
 * thread ends when the cgroup goes away (the kernel wakes it) or on {@link #stop()}, which wakes it itself:
 * closing an fd does not wake a thread blocked reading it. Only the thread closes the fds, when it ends, so a
 * stop never touches an fd number that was closed and reused. {@link #lock} guards {@link #stopped} and
 * {@link #closed}.
 */
final class OomWatch {
    private static final Logger LOG = LoggerFactory.getLogger(OomWatch.class);

    private final String id;
    private final Posix posix;
    private final Path file;
    /** The fd the thread reads: the eventfd (v1) or the inotify instance (v2). */
    private final int fd;
    /** v1: the open {@code memory.oom_control}; v2: -1. */
    private final int controlFd;
    /** v2: the inotify watch; v1: -1. */
    private final int wd;
    private final Object lock = new Object();
    private boolean stopped;
    private boolean closed;

    private OomWatch(String id, Posix posix, Path file, int fd, int controlFd, int wd) {
        this.id = id;
        this.posix = posix;
        this.file = file;
        this.fd = fd;
        this.controlFd = controlFd;
        this.wd = wd;
    }

    /** Watches v1 memory cgroup {@code memory}; {@code onOom} runs on the watch thread for each OOM. */
    static OomWatch v1(String id, Path memory, Posix posix, Runnable onOom) throws IOException {
        int efd = posix.eventfd(0, NotifyCalls.EFD_CLOEXEC);
        int ofd = -1;
        try {
            ofd = posix.open(memory.resolve("memory.oom_control"), FileCalls.O_RDONLY | FileCalls.O_CLOEXEC, 0);
            Files.writeString(memory.resolve("cgroup.event_control"), efd + " " + ofd, StandardCharsets.US_ASCII);
        } catch (PosixException | IOException e) {
            closeQuietly(posix, efd);
            if (ofd >= 0) {
                closeQuietly(posix, ofd);
            }
            throw e;
        }
        OomWatch watch = new OomWatch(id, posix, memory.resolve("memory.oom_control"), efd, ofd, -1);
        watch.start(watch::runV1, onOom);
        return watch;
    }

    /** Watches v2 cgroup {@code dir} ({@code memory.events}); {@code onOom} runs for each new {@code oom_kill}. */
    static OomWatch v2(String id, Path dir, Posix posix, Runnable onOom) {
        Path events = dir.resolve("memory.events");
        int ifd = posix.inotifyInit(NotifyCalls.IN_CLOEXEC);
        int wd;
        try {
            wd = posix.inotifyAddWatch(ifd, events, NotifyCalls.IN_MODIFY);
        } catch (PosixException e) {
            closeQuietly(posix, ifd);
            throw e;
        }
        OomWatch watch = new OomWatch(id, posix, events, ifd, -1, wd);
        watch.start(watch::runV2, onOom);
        return watch;
    }

    private interface Loop {
        void run(Runnable onOom);
    }

    private void start(Loop loop, Runnable onOom) {
        Thread.ofPlatform().daemon().name("oom-" + id).start(() -> {
            try {
                loop.run(onOom);
            } catch (PosixException e) {
                LOG.debug("oom watch ended container={} error={}", id, e.getMessage());
            } finally {
                closeFds();
            }
        });
    }

    private void runV1(Runnable onOom) {
        while (true) {
            posix.readEventFd(fd);
            if (isStopped() || !Files.exists(file)) {
                return; // stopped, or the kernel's wake-up when the cgroup was removed
            }
            onOom.run();
        }
    }

    private void runV2(Runnable onOom) {
        long seen = oomKills(file);
        while (true) {
            List<InotifyEvent> batch = posix.readInotifyEvents(fd);
            if (isStopped() || batch.stream().anyMatch(ev -> (ev.mask() & NotifyCalls.IN_IGNORED) != 0)) {
                return; // stopped, or the watch went away with the cgroup
            }
            long now = oomKills(file);
            if (now > seen) {
                seen = now;
                onOom.run();
            }
        }
    }

    /** Ends the watch: wakes the thread (it closes the fds and ends); a no-op once it ended. */
    void stop() {
        synchronized (lock) {
            if (stopped || closed) {
                return;
            }
            stopped = true;
            try {
                if (wd < 0) {
                    posix.writeEventFd(fd, 1);
                } else {
                    posix.inotifyRemoveWatch(fd, wd); // queues IN_IGNORED, which wakes the reader
                }
            } catch (PosixException e) {
                // v2: the watch is already gone with the cgroup, and its IN_IGNORED wakes the reader
                LOG.debug("failed to wake oom watch container={} error={}", id, e.getMessage());
            }
        }
    }

    private boolean isStopped() {
        synchronized (lock) {
            return stopped;
        }
    }

    private void closeFds() {
        synchronized (lock) {
            closed = true;
            closeQuietly(posix, fd);
            if (controlFd >= 0) {
                closeQuietly(posix, controlFd);
            }
        }
    }

    private static void closeQuietly(Posix posix, int fd) {
        try {
            posix.close(fd);
        } catch (PosixException e) {
            LOG.debug("failed to close oom watch fd={} error={}", fd, e.getMessage());
        }
    }

    /** The oom_kill counter of a v2 {@code memory.events} file. */
    static long oomKills(Path memoryEvents) {
        try {
            for (String line : Files.readAllLines(memoryEvents)) {
                String[] p = line.strip().split("\\s+");
                if (p.length == 2 && p[0].equals("oom_kill")) {
                    return Long.parseLong(p[1]);
                }
            }
        } catch (IOException | NumberFormatException e) {
            return 0;
        }
        return 0;
    }
}
