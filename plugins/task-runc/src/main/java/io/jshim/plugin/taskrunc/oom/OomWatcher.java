package io.jshim.plugin.taskrunc.oom;

import io.jshim.framework.plugin.Managed;
import io.jshim.plugin.taskrunc.cgroups.CgroupPaths;
import io.jshim.plugin.taskrunc.container.Container;
import io.jshim.plugin.taskrunc.process.ProcessStatus;
import io.jshim.plugin.taskrunc.service.ContainerWatch;
import io.jshim.plugin.taskrunc.service.TaskEvents;
import io.jshim.posix.Posix;
import io.jshim.posix.PosixException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;

/**
 * Publishes {@code /tasks/oom} when a started container's cgroup hits its memory limit: on cgroup v1 through
 * an eventfd registered for {@code memory.oom_control} in {@code cgroup.event_control}; on cgroup v2 through
 * inotify on {@code memory.events}, when its {@code oom_kill} counter grows. One {@link OomWatch} (a platform
 * thread) per container, ended when the container is deleted or its cgroup goes away.
 *
 * <p>The cgroup is found when the container is created, from its init's {@code /proc/PID/cgroup} while
 * {@code runc init} waits to be started, as the Go shim does: once a process has exited, the kernel reports
 * the hierarchy roots for it, and a watch on a root would never end (nor belong to the container).
 */
public final class OomWatcher implements ContainerWatch, Managed {
    private static final Logger LOG = LoggerFactory.getLogger(OomWatcher.class);

    private final Posix posix;
    private final TaskEvents events;
    private final Path cgroupRoot;
    /** The memory cgroup of each created, not yet started container. */
    private final Map<String, Target> created = new ConcurrentHashMap<>();
    /** The watch of each started container, stopped when it is removed. */
    private final Map<String, OomWatch> watched = new ConcurrentHashMap<>();

    public OomWatcher(Posix posix, TaskEvents events) {
        this(posix, events, Path.of("/sys/fs/cgroup"));
    }

    OomWatcher(Posix posix, TaskEvents events, Path cgroupRoot) {
        this.posix = Objects.requireNonNull(posix, "posix is null");
        this.events = Objects.requireNonNull(events, "events is null");
        this.cgroupRoot = Objects.requireNonNull(cgroupRoot, "cgroupRoot is null");
    }

    /** The memory cgroup to watch: a v1 memory controller dir, or a v2 unified dir. */
    record Target(Path dir, boolean unified) {
    }

    @Override
    public void created(Container container) {
        int pid = container.init().pid();
        if (pid > 0) {
            memoryCgroupOf(pid).ifPresent(target -> created.put(container.id(), target));
        }
    }

    @Override
    public void started(Container container) {
        Target target = created.remove(container.id());
        if (target == null && container.init().pid() > 0) {
            target = memoryCgroupOf(container.init().pid()).orElse(null); // restored from a checkpoint
        }
        if (target != null) {
            watch(container.id(), target);
        }
        if (container.init().status() == ProcessStatus.DELETED) {
            removed(container); // deleted while its watch was being set up
        }
    }

    /** Watches the memory cgroup of live process {@code pid} and publishes OOM events for container {@code id}. */
    void watch(String id, int pid) {
        memoryCgroupOf(pid).ifPresent(target -> watch(id, target));
    }

    private void watch(String id, Target target) {
        if (watched.containsKey(id)) {
            return;
        }
        OomWatch watch;
        try {
            watch = target.unified()
                    ? OomWatch.v2(id, target.dir(), posix, () -> events.oom(id))
                    : OomWatch.v1(id, target.dir(), posix, () -> events.oom(id));
        } catch (PosixException | IOException e) {
            LOG.warn("failed to watch container for OOM container={} cgroup={} error={}", id, target.dir(),
                    e.getMessage());
            return;
        }
        if (watched.putIfAbsent(id, watch) != null) {
            watch.stop();
        }
    }

    /** The memory cgroup of {@code pid}, unless it has none of its own (a hierarchy root, or no process). */
    Optional<Target> memoryCgroupOf(int pid) {
        CgroupPaths paths = CgroupPaths.of(Path.of("/proc", Integer.toString(pid), "cgroup"), cgroupRoot);
        if (paths.unified() != null) {
            return paths.unified().equals(cgroupRoot) ? Optional.empty()
                    : Optional.of(new Target(paths.unified(), true));
        }
        Path memory = paths.controller("memory");
        if (memory == null || Files.exists(memory.resolve("cgroup.sane_behavior"))) {
            return Optional.empty(); // only a v1 hierarchy's root has cgroup.sane_behavior
        }
        return Optional.of(new Target(memory, false));
    }

    @Override
    public void removed(Container container) {
        unwatch(container.id());
    }

    /** Stops watching container {@code id}; its thread ends even while its cgroup stays. */
    void unwatch(String id) {
        created.remove(id);
        OomWatch watch = watched.remove(id);
        if (watch != null) {
            watch.stop();
        }
    }

    @Override
    public void close() {
        created.clear();
        for (String id : watched.keySet()) {
            OomWatch watch = watched.remove(id);
            if (watch != null) {
                watch.stop();
            }
        }
    }
}
