package io.jshim.plugin.taskrunc.oom;

import io.jshim.plugin.taskrunc.threads.ReadyThreads;
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
import java.time.Duration;
import java.util.List;
import java.util.OptionalLong;

/**
 * The OOM watch of one container's memory cgroup: a platform thread {@code oom-<id>} blocked reading one fd (an
 * eventfd registered for {@code memory.oom_control} on cgroup v1, inotify on {@code memory.events} on v2), which
 * tells its {@link Listener} the cgroup's OOM kill counter after each wake-up. The
 * thread ends when the cgroup goes away (the kernel wakes it) or on {@link #stop()}, which wakes it itself:
 * closing an fd does not wake a thread blocked reading it. Only the thread closes the fds, when it ends, so a
 * stop never touches an fd number that was closed and reused. {@link #lock} guards {@link #stopped} and
 * {@link #closed}.
 */
final class OomWatch {
    private static final Logger LOG = LoggerFactory.getLogger(OomWatch.class);
    /** How long a v1 OOM notification waits for its kill to be counted here before it counts as an ancestor's. */
    static final Duration KILL_WAIT = Duration.ofSeconds(1);

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

    /** Told on the watch thread what the watch saw. */
    interface Listener {
        /** The cgroup's OOM kill counter reads {@code kills} after an OOM. */
        void killsSeen(long kills);

        /** An OOM that killed nothing the counter shows (v1: OOM killer disabled, or a kernel before 4.13). */
        void oomWithoutKill();
    }

    /** Watches v1 memory cgroup {@code memory}; {@code listener} is told of each OOM notification. */
    static OomWatch v1(String id, Path memory, Posix posix, ReadyThreads threads, Listener listener)
            throws IOException {
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
        watch.start(threads, watch::runV1, listener);
        return watch;
    }

    /** Watches v2 cgroup {@code dir}: the listener learns the kill counter when {@code memory.events} changes. */
    static OomWatch v2(String id, Path dir, Posix posix, ReadyThreads threads, Listener listener) {
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
        watch.start(threads, watch::runV2, listener);
        return watch;
    }

    private interface Loop {
        void run(Listener listener);
    }

    private void start(ReadyThreads threads, Loop loop, Listener listener) {
        threads.start("oom-" + id, () -> {
            try {
                loop.run(listener);
            } catch (PosixException e) {
                LOG.debug("oom watch ended container={} error={}", id, e.getMessage());
            } finally {
                closeFds();
            }
        });
    }

    /**
     * v1: the kernel signals the eventfd when the cgroup, or one of its ancestors, runs out of memory, before its
     * OOM killer picks and counts a victim; so a wake-up waits (briefly) for the kills in the cgroup and below it to
     * rise past what this watch saw last. A notification that no kill here follows is not reported: an ancestor's
     * OOM that killed elsewhere, or the kernel's repeated notices while one victim dies. Where the counter cannot
     * tell (a kernel without it, or the OOM killer disabled: OOMs wait, nothing is killed) each notification is one
     * OOM, as the Go shim reports every notification.
     */
    private void runV1(Listener listener) {
        Path memory = file.getParent();
        long seen = OomKills.readV1(memory).orElse(0);
        while (true) {
            posix.readEventFd(fd);
            if (isStopped() || !Files.exists(file)) {
                return; // stopped, or the kernel's wake-up when the cgroup was removed
            }
            boolean killerDisabled = OomKills.killerDisabled(OomKills.lines(file));
            OptionalLong kills = killerDisabled ? OomKills.readV1(memory) : awaitKill(memory, seen);
            if (kills.isPresent() && kills.getAsLong() > seen) {
                seen = kills.getAsLong();
                listener.killsSeen(seen);
            } else if ((kills.isEmpty() || killerDisabled) && Files.exists(file)) {
                listener.oomWithoutKill();
            } else {
                LOG.debug("oom notification without a kill in the container's cgroups container={}", id);
            }
        }
    }

    /**
     * The kills in v1 cgroup {@code memory} (and below) once they rose past {@code seen}, or as they stand when
     * they cannot be read, the watch was stopped, or {@link #KILL_WAIT} passed.
     */
    private OptionalLong awaitKill(Path memory, long seen) {
        long deadline = System.nanoTime() + KILL_WAIT.toNanos();
        long pauseMillis = 1;
        while (true) {
            OptionalLong kills = OomKills.readV1(memory);
            if (kills.isEmpty() || kills.getAsLong() > seen || System.nanoTime() - deadline > 0 || isStopped()) {
                return kills;
            }
            try {
                Thread.sleep(pauseMillis);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                return kills;
            }
            pauseMillis = Math.min(pauseMillis * 2, 100);
        }
    }

    /** v2: {@code memory.events} changes when its counters do; the listener sorts out which kills are new. */
    private void runV2(Listener listener) {
        while (true) {
            List<InotifyEvent> batch = posix.readInotifyEvents(fd);
            if (isStopped() || batch.stream().anyMatch(ev -> (ev.mask() & NotifyCalls.IN_IGNORED) != 0)) {
                return; // stopped, or the watch went away with the cgroup
            }
            OomKills.read(file).ifPresent(listener::killsSeen);
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
}
