package io.jshim.plugin.taskrunc.oom;

import io.jshim.framework.plugin.Managed;
import io.jshim.plugin.taskrunc.cgroups.CgroupPaths;
import io.jshim.plugin.taskrunc.container.Container;
import io.jshim.plugin.taskrunc.service.ContainerWatch;
import io.jshim.plugin.taskrunc.service.TaskEvents;
import io.jshim.posix.FileCalls;
import io.jshim.posix.InotifyEvent;
import io.jshim.posix.NotifyCalls;
import io.jshim.posix.Posix;
import io.jshim.posix.PosixException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.concurrent.ConcurrentHashMap;

/**
 * Publishes {@code /tasks/oom} when a started container's cgroup hits its memory limit: on cgroup v1 through
 * an eventfd registered for {@code memory.oom_control} in {@code cgroup.event_control}; on cgroup v2 through
 * inotify on {@code memory.events}, when its {@code oom_kill} counter grows. One platform thread per container
 * blocks on its fd; the kernel wakes it when the cgroup goes away, which ends the watch.
 */
public final class OomWatcher implements ContainerWatch, Managed {
    private static final Logger LOG = LoggerFactory.getLogger(OomWatcher.class);

    private final Posix posix;
    private final TaskEvents events;
    private final Path cgroupRoot;
    /** fds of each watched container, closed when it is removed. */
    private final Map<String, int[]> watched = new ConcurrentHashMap<>();

    public OomWatcher(Posix posix, TaskEvents events) {
        this(posix, events, Path.of("/sys/fs/cgroup"));
    }

    OomWatcher(Posix posix, TaskEvents events, Path cgroupRoot) {
        this.posix = Objects.requireNonNull(posix, "posix is null");
        this.events = Objects.requireNonNull(events, "events is null");
        this.cgroupRoot = Objects.requireNonNull(cgroupRoot, "cgroupRoot is null");
    }

    @Override
    public void started(Container container) {
        watch(container.id(), container.init().pid());
    }

    /** Watches the memory cgroup of process {@code pid} and publishes OOM events for container {@code id}. */
    void watch(String id, int pid) {
        if (pid <= 0 || watched.containsKey(id)) {
            return;
        }
        CgroupPaths paths = CgroupPaths.of(Path.of("/proc", Integer.toString(pid), "cgroup"), cgroupRoot);
        try {
            if (paths.unified() != null) {
                watchV2(id, paths.unified());
            } else if (paths.controller("memory") != null) {
                watchV1(id, paths.controller("memory"));
            }
        } catch (PosixException | java.io.IOException e) {
            LOG.warn("failed to watch container for OOM container={} error={}", id, e.getMessage());
        }
    }

    private void watchV1(String id, Path memory) throws java.io.IOException {
        int efd = posix.eventfd(0, NotifyCalls.EFD_CLOEXEC);
        int ofd;
        try {
            ofd = posix.open(memory.resolve("memory.oom_control"), FileCalls.O_RDONLY | FileCalls.O_CLOEXEC, 0);
        } catch (PosixException e) {
            posix.close(efd);
            throw e;
        }
        Files.writeString(memory.resolve("cgroup.event_control"), efd + " " + ofd, StandardCharsets.US_ASCII);
        watched.put(id, new int[]{efd, ofd});
        Thread.ofPlatform().daemon().name("oom-" + id).start(() -> {
            try {
                while (true) {
                    posix.readEventFd(efd);
                    if (!Files.exists(memory.resolve("memory.oom_control"))) {
                        return; // the cgroup was removed
                    }
                    events.oom(id);
                }
            } catch (PosixException e) {
                LOG.debug("oom watch ended container={} error={}", id, e.getMessage());
            }
        });
    }

    private void watchV2(String id, Path dir) {
        Path file = dir.resolve("memory.events");
        int ifd = posix.inotifyInit(NotifyCalls.IN_CLOEXEC);
        try {
            posix.inotifyAddWatch(ifd, file, NotifyCalls.IN_MODIFY);
        } catch (PosixException e) {
            posix.close(ifd);
            throw e;
        }
        watched.put(id, new int[]{ifd});
        Thread.ofPlatform().daemon().name("oom-" + id).start(() -> {
            long seen = oomKills(file);
            try {
                while (true) {
                    List<InotifyEvent> batch = posix.readInotifyEvents(ifd);
                    if (batch.stream().anyMatch(ev -> (ev.mask() & NotifyCalls.IN_IGNORED) != 0)) {
                        return;
                    }
                    long now = oomKills(file);
                    if (now > seen) {
                        seen = now;
                        events.oom(id);
                    }
                }
            } catch (PosixException e) {
                LOG.debug("oom watch ended container={} error={}", id, e.getMessage());
            }
        });
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
        } catch (java.io.IOException | NumberFormatException e) {
            return 0;
        }
        return 0;
    }

    @Override
    public void removed(Container container) {
        int[] fds = watched.remove(container.id());
        if (fds != null) {
            for (int fd : fds) {
                try {
                    posix.close(fd);
                } catch (PosixException ignored) {
                    // already closed
                }
            }
        }
    }

    @Override
    public void close() {
        watched.keySet().forEach(id -> {
            int[] fds = watched.remove(id);
            if (fds != null) {
                for (int fd : fds) {
                    try {
                        posix.close(fd);
                    } catch (PosixException ignored) {
                        // already closed
                    }
                }
            }
        });
    }
}
