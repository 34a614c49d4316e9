package io.jshim.plugin.taskrunc.cgroups;

import io.jshim.plugin.taskrunc.error.TaskException;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class CgroupStatsTest {
    @TempDir
    Path root;

    private void write(Path file, String text) throws Exception {
        Files.createDirectories(file.getParent());
        Files.writeString(file, text);
    }

    @Test
    void readsCgroupV2Files() throws Exception {
        Path dir = root.resolve("ctr");
        write(dir.resolve("memory.current"), "4096\n");
        write(dir.resolve("memory.max"), "max\n");
        write(dir.resolve("memory.stat"), "anon 100\nfile 200\npgfault 7\nunknown_key 9\n");
        write(dir.resolve("memory.events"), "low 0\nhigh 0\nmax 2\noom 1\noom_kill 1\n");
        write(dir.resolve("cpu.stat"), "usage_usec 1500\nuser_usec 1000\nsystem_usec 500\nnr_throttled 3\n");
        write(dir.resolve("pids.current"), "4\n");
        write(dir.resolve("pids.max"), "64\n");
        write(dir.resolve("io.stat"), "8:0 rbytes=10 wbytes=20 rios=1 wios=2 dbytes=0 dios=0\n");
        var m = new CgroupStats(root, root).v2(dir);
        assertThat(m.getMemory().getUsage()).isEqualTo(4096);
        assertThat(m.getMemory().getUsageLimit()).isEqualTo(-1L); // max: the largest uint64
        assertThat(m.getMemory().getAnon()).isEqualTo(100);
        assertThat(m.getMemory().getPgfault()).isEqualTo(7);
        assertThat(m.getMemoryEvents().getOomKill()).isEqualTo(1);
        assertThat(m.getCpu().getUsageUsec()).isEqualTo(1500);
        assertThat(m.getCpu().getNrThrottled()).isEqualTo(3);
        assertThat(m.getPids().getCurrent()).isEqualTo(4);
        assertThat(m.getPids().getLimit()).isEqualTo(64);
        assertThat(m.getIo().getUsage(0).getMajor()).isEqualTo(8);
        assertThat(m.getIo().getUsage(0).getWbytes()).isEqualTo(20);
    }

    @Test
    void readsHugetlbOfEveryPageSizeOnCgroupV2() throws Exception {
        Path dir = root.resolve("ctr");
        write(dir.resolve("hugetlb.2MB.current"), "4194304\n");
        write(dir.resolve("hugetlb.2MB.max"), "max\n");
        write(dir.resolve("hugetlb.2MB.rsvd.max"), "max\n");
        write(dir.resolve("hugetlb.2MB.events"), "max 0\n");
        write(dir.resolve("hugetlb.1GB.current"), "0\n");
        write(dir.resolve("hugetlb.1GB.max"), "1073741824\n");
        var m = new CgroupStats(root, root).v2(dir);
        assertThat(m.getHugetlbList()).extracting(s -> s.getPagesize()).containsExactly("1GB", "2MB");
        assertThat(m.getHugetlb(0).getMax()).isEqualTo(1073741824L);
        assertThat(m.getHugetlb(1).getCurrent()).isEqualTo(4194304L);
        assertThat(m.getHugetlb(1).getMax()).isEqualTo(-1L); // max: the largest uint64, as Go
    }

    @Test
    void readsCgroupV1Controllers() throws Exception {
        Path proc = root.resolve("proc-cgroup");
        write(proc, "12:memory:/ns/ctr\n5:cpu,cpuacct:/ns/ctr\n3:pids:/ns/ctr\n2:blkio:/ns/ctr\n1:name=systemd:/x\n0::/y\n");
        Path sys = root.resolve("sys");
        Path mem = sys.resolve("memory/ns/ctr");
        write(mem.resolve("memory.usage_in_bytes"), "1000\n");
        write(mem.resolve("memory.limit_in_bytes"), "2000\n");
        write(mem.resolve("memory.max_usage_in_bytes"), "1500\n");
        write(mem.resolve("memory.failcnt"), "0\n");
        write(mem.resolve("memory.stat"), "cache 11\nrss 22\npgpgin 5\ntotal_pgmajfault 6\n");
        write(mem.resolve("memory.oom_control"), "oom_kill_disable 0\nunder_oom 0\noom_kill 2\n");
        Path cpu = sys.resolve("cpu,cpuacct/ns/ctr");
        write(cpu.resolve("cpuacct.usage"), "123456\n");
        write(cpu.resolve("cpuacct.usage_percpu"), "100 200 \n");
        write(cpu.resolve("cpuacct.stat"), "user 2\nsystem 1\n");
        write(cpu.resolve("cpu.stat"), "nr_periods 9\nnr_throttled 1\nthrottled_time 77\n");
        write(sys.resolve("pids/ns/ctr/pids.current"), "3\n");
        write(sys.resolve("pids/ns/ctr/pids.max"), "max\n");
        write(sys.resolve("blkio/ns/ctr/blkio.throttle.io_service_bytes"), "8:0 Read 4096\n8:0 Write 0\nTotal 4096\n");

        CgroupPaths paths = CgroupPaths.of(proc, sys);
        assertThat(paths.unified()).isNull();
        var m = new CgroupStats(sys, root).v1(paths);
        assertThat(m.getMemory().getUsage().getUsage()).isEqualTo(1000);
        assertThat(m.getMemory().getUsage().getLimit()).isEqualTo(2000);
        assertThat(m.getMemory().getCache()).isEqualTo(11);
        assertThat(m.getMemory().getPgPgIn()).isEqualTo(5);
        assertThat(m.getMemory().getTotalPgMajFault()).isEqualTo(6);
        assertThat(m.getMemoryOomControl().getOomKill()).isEqualTo(2);
        assertThat(m.getCpu().getUsage().getTotal()).isEqualTo(123456);
        assertThat(m.getCpu().getUsage().getPerCpuList()).containsExactly(100L, 200L);
        assertThat(m.getCpu().getUsage().getUser()).isEqualTo(20_000_000L);
        assertThat(m.getCpu().getThrottling().getThrottledTime()).isEqualTo(77);
        assertThat(m.getPids().getCurrent()).isEqualTo(3);
        assertThat(m.getBlkio().getIoServiceBytesRecursiveList()).hasSize(2);
        assertThat(m.getBlkio().getIoServiceBytesRecursive(0).getOp()).isEqualTo("Read");
    }

    @Test
    void unifiedPathOnPureV2Host() throws Exception {
        Path proc = root.resolve("proc-cgroup");
        write(proc, "0::/system.slice/ctr\n");
        write(root.resolve("sys/cgroup.controllers"), "cpu memory pids\n");
        CgroupPaths paths = CgroupPaths.of(proc, root.resolve("sys"));
        assertThat(paths.unified()).isEqualTo(root.resolve("sys/system.slice/ctr"));
    }

    @Test
    void theCgroupReadAtCreateServesStatsAfterTheInitExitedAndItsPidWasReused() throws Exception {
        Path sys = root.resolve("sys");
        Path proc = root.resolve("proc");
        write(sys.resolve("cgroup.controllers"), "cpu memory pids\n");
        write(sys.resolve("ns/ctr/memory.current"), "4096\n");
        write(sys.resolve("other/memory.current"), "1\n");
        write(proc.resolve("42/cgroup"), "0::/ns/ctr\n");
        CgroupStats stats = new CgroupStats(sys, proc);

        stats.remember("c1", 42);
        // init exited; its pid now belongs to a process elsewhere
        write(proc.resolve("42/cgroup"), "0::/other\n");

        var metrics = io.jshim.api.ContainerdAny.unpack(stats.stats("c1", 42), io.jshim.api.cgroups.v2.Metrics.class);
        assertThat(metrics.getMemory().getUsage()).isEqualTo(4096);

        stats.forget("c1");
        Files.delete(proc.resolve("42/cgroup"));
        assertThatThrownBy(() -> stats.stats("c1", 42)).isInstanceOf(TaskException.NotFound.class)
                .hasMessageContaining("cgroup does not exist");
    }
}
