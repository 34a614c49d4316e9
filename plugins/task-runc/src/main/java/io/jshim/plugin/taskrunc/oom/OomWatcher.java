package io.jshim.plugin.taskrunc.oom;

import io.jshim.framework.plugin.Managed;
import io.jshim.plugin.taskrunc.cgroups.CgroupPaths;
import io.jshim.plugin.taskrunc.container.Container;
import io.jshim.plugin.taskrunc.process.ProcessStatus;
import io.jshim.plugin.taskrunc.service.ContainerWatch;
import io.jshim.plugin.taskrunc.service.TaskEvents;
import io.jshim.plugin.taskrunc.threads.ReadyThreads;
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
import java.util.OptionalLong;
import java.util.concurrent.ConcurrentHashMap;

/**
 * Publishes {@code /tasks/oom} for each OOM kill in a container's memory cgroup, exactly once, and before the
 * {@code /tasks/exit} of an exit the kill caused. Two sources report the cgroup's OOM kill counter
 * ({@code memory.events} on cgroup v2, {@code memory.oom_control} on v1) to the container's {@link OomAccount}:
 * an {@link OomWatch} (a platform thread: an eventfd registered for {@code memory.oom_control} on v1, inotify on
 * {@code memory.events} on v2) as OOMs happen, and the exit check when a process of the container is reaped,
 * before its exit is published (the kernel counts a kill before it sends the victim SIGKILL).
 *
 * <p>The watch starts when the container is created, while {@code runc init} waits in the container's cgroups
 * to be started (its {@code /proc/PID/cgroup} names them, as the Go shim reads them; once a process has exited,
 * the kernel reports the hierarchy roots for it, and a watch on a root would never end nor belong to the
 * container), so an OOM in the container's first milliseconds is not missed. What the watch sees is published
 * once the start event is out ({@link #started}). The watch and the account end when the container is deleted.
 */
public final class OomWatcher implements ContainerWatch, Managed {
    private static final Logger LOG = LoggerFactory.getLogger(OomWatcher.class);

    private final Posix posix;
    private final TaskEvents events;
    private final ReadyThreads threads;
    private final Path cgroupRoot;
    /** The OOM monitoring of each created container, ended when it is removed. */
    private final Map<String, Monitored> monitored = new ConcurrentHashMap<>();

    /** @param threads where the watches run */
    public OomWatcher(Posix posix, TaskEvents events, ReadyThreads threads) {
        this(posix, events, threads, Path.of("/sys/fs/cgroup"));
    }

    OomWatcher(Posix posix, TaskEvents events, ReadyThreads threads, Path cgroupRoot) {
        this.posix = Objects.requireNonNull(posix, "posix is null");
        this.events = Objects.requireNonNull(events, "events is null");
        this.threads = Objects.requireNonNull(threads, "threads is null");
        this.cgroupRoot = Objects.requireNonNull(cgroupRoot, "cgroupRoot is null");
    }

    /** The memory cgroup to watch: a v1 memory controller dir, or a v2 unified dir. */
    record Target(Path dir, boolean unified) {
        /** The cgroup's OOM kill counter; empty when it cannot be read. */
        OptionalLong kills() {
            return unified ? OomKills.read(dir.resolve("memory.events")) : OomKills.readV1(dir);
        }
    }

    /** One container's cgroup, its account of kills, and its watch (null when it could not be set up). */
    private record Monitored(Target target, OomAccount account, OomWatch watch) {
        void stop() {
            if (watch != null) {
                watch.stop();
            }
        }
    }

    @Override
    public void created(Container container) {
        int pid = container.init().pid();
        if (pid > 0) {
            memoryCgroupOf(pid).ifPresent(target -> monitor(container.id(), target));
            if (container.init().status() == ProcessStatus.DELETED) {
                removed(container); // deleted while its watch was being set up
            }
        }
    }

    /** The start event is out (called after it was published): what the watch saw is published from now on. */
    @Override
    public void started(Container container) {
        if (!monitored.containsKey(container.id()) && container.init().pid() > 0) {
            // restored from a checkpoint: no runc init to read the cgroup from on create
            memoryCgroupOf(container.init().pid()).ifPresent(target -> monitor(container.id(), target));
        }
        open(container.id());
        if (container.init().status() == ProcessStatus.DELETED) {
            removed(container); // deleted while its watch was being set up
        }
    }

    /** A process of the container was reaped: every OOM kill so far is published before its exit. */
    @Override
    public void exiting(Container container) {
        settle(container.id());
    }

    /** Watches the memory cgroup of live process {@code pid} for container {@code id}, published at once. */
    void watch(String id, int pid) {
        memoryCgroupOf(pid).ifPresent(target -> {
            monitor(id, target);
            open(id);
        });
    }

    /** Starts monitoring container {@code id} in {@code target} (a no-op when it is monitored already). */
    void monitor(String id, Target target) {
        monitored(id, target);
    }

    /** Container {@code id}'s start event is out: publishes what its watch saw, and from now on as it sees it. */
    void open(String id) {
        Monitored m = monitored.get(id);
        if (m != null) {
            m.account().open(m.target().kills());
        }
    }

    /** A process of container {@code id} was reaped: publishes every OOM kill its cgroup counted so far. */
    void settle(String id) {
        Monitored m = monitored.get(id);
        if (m != null) {
            m.account().settle(m.target().kills());
        }
    }

    private Monitored monitored(String id, Target target) {
        Monitored existing = monitored.get(id);
        if (existing != null) {
            return existing;
        }
        OomAccount account = new OomAccount(target.kills().orElse(0), () -> events.oom(id));
        OomWatch.Listener listener = new OomWatch.Listener() {
            @Override
            public void killsSeen(long kills) {
                account.seen(kills);
            }

            @Override
            public void oomWithoutKill() {
                account.seenWithoutKill();
            }
        };
        OomWatch watch = null;
        try {
            watch = target.unified()
                    ? OomWatch.v2(id, target.dir(), posix, threads, listener)
                    : OomWatch.v1(id, target.dir(), posix, threads, listener);
        } catch (PosixException | IOException e) {
            LOG.warn("failed to watch container for OOM container={} cgroup={} error={}", id, target.dir(),
                    e.getMessage()); // the exit check still reports the kills that end its processes
        }
        Monitored m = new Monitored(target, account, watch);
        Monitored raced = monitored.putIfAbsent(id, m);
        if (raced != null) {
            m.stop();
            return raced;
        }
        return m;
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
        Monitored m = monitored.remove(id);
        if (m != null) {
            m.stop();
        }
    }

    @Override
    public void close() {
        for (String id : monitored.keySet()) {
            unwatch(id);
        }
    }
}
