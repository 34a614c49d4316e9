package io.jshim.plugin.taskrunc.cgroups;

import com.google.protobuf.Any;
import com.google.protobuf.Descriptors.FieldDescriptor;
import com.google.protobuf.Message;
import io.jshim.api.ContainerdAny;
import io.jshim.api.cgroups.v1.BlkIOEntry;
import io.jshim.api.cgroups.v1.BlkIOStat;
import io.jshim.api.cgroups.v1.CPUStat;
import io.jshim.api.cgroups.v1.CPUUsage;
import io.jshim.api.cgroups.v1.MemoryEntry;
import io.jshim.api.cgroups.v1.MemoryOomControl;
import io.jshim.api.cgroups.v1.Throttle;
import io.jshim.api.cgroups.v2.HugeTlbStat;
import io.jshim.api.cgroups.v2.IOEntry;
import io.jshim.api.cgroups.v2.IOStat;
import io.jshim.api.cgroups.v2.MemoryEvents;
import io.jshim.plugin.taskrunc.container.Container;
import io.jshim.plugin.taskrunc.error.TaskException;
import io.jshim.plugin.taskrunc.service.ContainerWatch;
import io.jshim.plugin.taskrunc.service.TaskStats;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.TreeMap;
import java.util.concurrent.ConcurrentHashMap;

/**
 * Reads a container's cgroup files into containerd's metrics messages: {@code io.containerd.cgroups.v1.Metrics}
 * on cgroup v1 (memory, cpuacct/cpu, pids, blkio controllers) or {@code io.containerd.cgroups.v2.Metrics} on the
 * unified hierarchy ({@code memory.*}, {@code cpu.stat}, {@code pids.*}, {@code io.stat}, {@code hugetlb.*}). The cgroup is the one
 * of the container's init pid ({@code /proc/PID/cgroup}), read when the container is created (or started, for a
 * restore) and kept until it is removed, as the Go shim loads it once: Stats of a container whose init has exited
 * (not yet deleted) still reads the container's cgroup, never whatever process now has that pid.
 */
public final class CgroupStats implements TaskStats, ContainerWatch {
    /** memory.stat keys whose proto field name differs (cgroup v1). */
    private static final Map<String, String> V1_MEMORY_RENAMES = Map.of(
            "pgpgin", "pg_pg_in", "pgpgout", "pg_pg_out", "pgfault", "pg_fault", "pgmajfault", "pg_maj_fault",
            "total_pgpgin", "total_pg_pg_in", "total_pgpgout", "total_pg_pg_out", "total_pgfault", "total_pg_fault",
            "total_pgmajfault", "total_pg_maj_fault");

    private final Path cgroupRoot;
    private final Path procRoot;
    /** The cgroup of each container's init, by container id, from creation to removal. */
    private final Map<String, CgroupPaths> cgroups = new ConcurrentHashMap<>();

    /** @param cgroupRoot {@code /sys/fs/cgroup}; @param procRoot {@code /proc} */
    public CgroupStats(Path cgroupRoot, Path procRoot) {
        this.cgroupRoot = Objects.requireNonNull(cgroupRoot, "cgroupRoot is null");
        this.procRoot = Objects.requireNonNull(procRoot, "procRoot is null");
    }

    @Override
    public Any stats(Container container) {
        return stats(container.id(), container.init().pid());
    }

    @Override
    public void created(Container container) {
        remember(container.id(), container.init().pid());
    }

    @Override
    public void started(Container container) {
        remember(container.id(), container.init().pid());
    }

    @Override
    public void exiting(Container container) {
    }

    @Override
    public void removed(Container container) {
        forget(container.id());
    }

    /** Reads and keeps the cgroup of {@code pid} for container {@code id}, unless one is kept already. */
    void remember(String id, int pid) {
        if (pid > 0 && !cgroups.containsKey(id)) {
            CgroupPaths paths = resolve(pid);
            if (!paths.isEmpty()) {
                cgroups.putIfAbsent(id, paths);
            }
        }
    }

    void forget(String id) {
        cgroups.remove(id);
    }

    /** The metrics of container {@code id}'s kept cgroup, else of {@code pid}'s current one. */
    Any stats(String id, int pid) {
        CgroupPaths paths = cgroups.get(id);
        if (paths == null) {
            paths = pid > 0 ? resolve(pid) : null;
        }
        if (paths == null || paths.isEmpty()) {
            throw new TaskException.NotFound("cgroup does not exist");
        }
        return ContainerdAny.pack(paths.unified() != null ? v2(paths.unified()) : v1(paths));
    }

    private CgroupPaths resolve(int pid) {
        return CgroupPaths.of(procRoot.resolve(Integer.toString(pid)).resolve("cgroup"), cgroupRoot);
    }

    /** Metrics of a cgroup v2 directory. */
    public io.jshim.api.cgroups.v2.Metrics v2(Path dir) {
        var memory = io.jshim.api.cgroups.v2.MemoryStat.newBuilder();
        fill(memory, CgroupFiles.flatKeyed(dir.resolve("memory.stat")), Map.of());
        memory.setUsage(CgroupFiles.value(dir.resolve("memory.current")))
                .setUsageLimit(limit(CgroupFiles.value(dir.resolve("memory.max"))))
                .setSwapUsage(CgroupFiles.value(dir.resolve("memory.swap.current")))
                .setSwapLimit(limit(CgroupFiles.value(dir.resolve("memory.swap.max"))));
        var cpu = io.jshim.api.cgroups.v2.CPUStat.newBuilder();
        fill(cpu, CgroupFiles.flatKeyed(dir.resolve("cpu.stat")), Map.of());
        var events = MemoryEvents.newBuilder();
        fill(events, CgroupFiles.flatKeyed(dir.resolve("memory.events")), Map.of());
        IOStat.Builder ioStat = IOStat.newBuilder();
        CgroupFiles.nestedKeyed(dir.resolve("io.stat")).forEach((device, v) -> {
            String[] mm = device.split(":");
            if (mm.length == 2) {
                ioStat.addUsage(IOEntry.newBuilder().setMajor(CgroupFiles.number(mm[0]))
                        .setMinor(CgroupFiles.number(mm[1])).setRbytes(v.getOrDefault("rbytes", 0L))
                        .setWbytes(v.getOrDefault("wbytes", 0L)).setRios(v.getOrDefault("rios", 0L))
                        .setWios(v.getOrDefault("wios", 0L)));
            }
        });
        return io.jshim.api.cgroups.v2.Metrics.newBuilder()
                .setPids(io.jshim.api.cgroups.v2.PidsStat.newBuilder()
                        .setCurrent(CgroupFiles.value(dir.resolve("pids.current")))
                        .setLimit(limit(CgroupFiles.value(dir.resolve("pids.max")))))
                .setCpu(cpu).setMemory(memory).setMemoryEvents(events).setIo(ioStat)
                .addAllHugetlb(hugetlb(dir)).build();
    }

    /** One entry per page size of {@code hugetlb.<size>.current} and {@code hugetlb.<size>.max}, as Go's Stat. */
    private static List<HugeTlbStat> hugetlb(Path dir) {
        Map<String, HugeTlbStat.Builder> bySize = new TreeMap<>();
        for (String name : CgroupFiles.names(dir)) {
            String[] parts = name.split("\\.");
            if (parts.length != 3 || !parts[0].equals("hugetlb")) {
                continue;
            }
            boolean current = parts[2].equals("current");
            if (current || parts[2].equals("max")) {
                var stat = bySize.computeIfAbsent(parts[1], size -> HugeTlbStat.newBuilder().setPagesize(size));
                long value = CgroupFiles.value(dir.resolve(name));
                if (current) {
                    stat.setCurrent(value);
                } else {
                    stat.setMax(limit(value));
                }
            }
        }
        return bySize.values().stream().map(HugeTlbStat.Builder::build).toList();
    }

    /** Metrics of the cgroup v1 directories of one container. */
    public io.jshim.api.cgroups.v1.Metrics v1(CgroupPaths paths) {
        var metrics = io.jshim.api.cgroups.v1.Metrics.newBuilder();
        Path mem = paths.controller("memory");
        if (mem != null) {
            var memory = io.jshim.api.cgroups.v1.MemoryStat.newBuilder();
            fill(memory, CgroupFiles.flatKeyed(mem.resolve("memory.stat")), V1_MEMORY_RENAMES);
            memory.setUsage(entry(mem, "memory")).setSwap(entry(mem, "memory.memsw"))
                    .setKernel(entry(mem, "memory.kmem")).setKernelTcp(entry(mem, "memory.kmem.tcp"));
            metrics.setMemory(memory);
            Map<String, Long> oom = CgroupFiles.flatKeyed(mem.resolve("memory.oom_control"));
            metrics.setMemoryOomControl(MemoryOomControl.newBuilder()
                    .setOomKillDisable(oom.getOrDefault("oom_kill_disable", 0L))
                    .setUnderOom(oom.getOrDefault("under_oom", 0L)).setOomKill(oom.getOrDefault("oom_kill", 0L)));
        }
        Path cpuacct = paths.controller("cpuacct");
        Path cpuDir = paths.controller("cpu");
        if (cpuacct != null || cpuDir != null) {
            CPUUsage.Builder usage = CPUUsage.newBuilder();
            if (cpuacct != null) {
                usage.setTotal(CgroupFiles.value(cpuacct.resolve("cpuacct.usage")))
                        .addAllPerCpu(CgroupFiles.values(cpuacct.resolve("cpuacct.usage_percpu")));
                Map<String, Long> st = CgroupFiles.flatKeyed(cpuacct.resolve("cpuacct.stat"));
                long tick = 10_000_000L; // USER_HZ 100: ticks to nanoseconds
                usage.setUser(st.getOrDefault("user", 0L) * tick).setKernel(st.getOrDefault("system", 0L) * tick);
            }
            Throttle.Builder throttle = Throttle.newBuilder();
            if (cpuDir != null) {
                Map<String, Long> st = CgroupFiles.flatKeyed(cpuDir.resolve("cpu.stat"));
                throttle.setPeriods(st.getOrDefault("nr_periods", 0L))
                        .setThrottledPeriods(st.getOrDefault("nr_throttled", 0L))
                        .setThrottledTime(st.getOrDefault("throttled_time", 0L));
            }
            metrics.setCpu(CPUStat.newBuilder().setUsage(usage).setThrottling(throttle));
        }
        Path pids = paths.controller("pids");
        if (pids != null) {
            metrics.setPids(io.jshim.api.cgroups.v1.PidsStat.newBuilder()
                    .setCurrent(CgroupFiles.value(pids.resolve("pids.current")))
                    .setLimit(limit(CgroupFiles.value(pids.resolve("pids.max")))));
        }
        Path blkio = paths.controller("blkio");
        if (blkio != null) {
            metrics.setBlkio(BlkIOStat.newBuilder()
                    .addAllIoServiceBytesRecursive(blkio(blkio.resolve("blkio.throttle.io_service_bytes")))
                    .addAllIoServicedRecursive(blkio(blkio.resolve("blkio.throttle.io_serviced"))));
        }
        return metrics.build();
    }

    private static java.util.List<BlkIOEntry> blkio(Path file) {
        java.util.List<BlkIOEntry> out = new java.util.ArrayList<>();
        for (String line : CgroupFiles.lines(file)) {
            String[] p = line.strip().split("\\s+");
            if (p.length != 3) {
                continue;
            }
            String[] mm = p[0].split(":");
            if (mm.length != 2) {
                continue;
            }
            out.add(BlkIOEntry.newBuilder().setMajor(CgroupFiles.number(mm[0])).setMinor(CgroupFiles.number(mm[1]))
                    .setOp(p[1]).setValue(CgroupFiles.number(p[2])).build());
        }
        return out;
    }

    private static MemoryEntry entry(Path dir, String prefix) {
        if (!Files.exists(dir.resolve(prefix + ".usage_in_bytes"))) {
            return MemoryEntry.getDefaultInstance();
        }
        return MemoryEntry.newBuilder().setUsage(CgroupFiles.value(dir.resolve(prefix + ".usage_in_bytes")))
                .setMax(CgroupFiles.value(dir.resolve(prefix + ".max_usage_in_bytes")))
                .setLimit(CgroupFiles.value(dir.resolve(prefix + ".limit_in_bytes")))
                .setFailcnt(CgroupFiles.value(dir.resolve(prefix + ".failcnt"))).build();
    }

    /** "max" (no limit) is reported as the largest uint64, as containerd does. */
    private static long limit(long value) {
        return value == Long.MAX_VALUE ? -1L : value;
    }

    /** Sets every uint64 field whose name is a key of {@code values} (after {@code renames}). */
    private static void fill(Message.Builder builder, Map<String, Long> values, Map<String, String> renames) {
        var descriptor = builder.getDescriptorForType();
        values.forEach((key, value) -> {
            FieldDescriptor f = descriptor.findFieldByName(renames.getOrDefault(key, key));
            if (f != null && f.getJavaType() == FieldDescriptor.JavaType.LONG && !f.isRepeated()) {
                builder.setField(f, value);
            }
        });
    }
}
