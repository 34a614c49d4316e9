package io.jshim.plugin.taskrunc.oom;

import com.google.protobuf.Message;
import io.jshim.api.events.TaskOOM;
import io.jshim.plugin.taskrunc.service.TaskEvents;
import io.jshim.plugin.taskrunc.threads.ReadyThreads;
import io.jshim.posix.PosixImplementation;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

import java.io.IOException;
import java.io.OutputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.UUID;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The cgroup v1 OOM watch (eventfd on {@code memory.oom_control}) on a memory cgroup of its own with a tiny
 * limit, and a real process that joins it and then allocates past the limit.
 */
@Timeout(value = 60, unit = TimeUnit.SECONDS)
class OomWatcherTest {
    private static final Path MEMORY = Path.of("/sys/fs/cgroup/memory");
    private static final long LIMIT = 8L << 20;

    private final BlockingQueue<Message> published = new LinkedBlockingQueue<>();
    private final OomWatcher watcher = new OomWatcher(PosixImplementation.FFM.create(),
            new TaskEvents((topic, event) -> published.add(event)), new ReadyThreads(0));
    private Path cgroup;
    private Process process;

    @BeforeEach
    void createCgroup() throws IOException {
        cgroup = Files.createDirectory(MEMORY.resolve("jshim-test-oom-" + UUID.randomUUID().toString().substring(0, 8)));
        Files.writeString(cgroup.resolve("memory.limit_in_bytes"), Long.toString(LIMIT));
        if (Files.exists(cgroup.resolve("memory.memsw.limit_in_bytes"))) {
            Files.writeString(cgroup.resolve("memory.memsw.limit_in_bytes"), Long.toString(LIMIT));
        }
    }

    @AfterEach
    void removeCgroup() throws Exception {
        watcher.close();
        if (process != null) {
            process.destroyForcibly();
            process.waitFor(10, TimeUnit.SECONDS);
        }
        for (int i = 0; i < 50 && Files.exists(cgroup); i++) {
            try {
                Files.delete(cgroup);
            } catch (IOException stillBusy) {
                Thread.sleep(100);
            }
        }
        assertThat(cgroup).doesNotExist();
    }

    /** A shell that joins the cgroup, then waits for a line on stdin before running {@code command}. */
    private int startInCgroup(String command) throws Exception {
        process = new ProcessBuilder("sh", "-c", "echo $$ > " + cgroup.resolve("cgroup.procs") + "; read go; " + command)
                .redirectErrorStream(true).redirectOutput(ProcessBuilder.Redirect.DISCARD).start();
        int pid = (int) process.pid();
        for (int i = 0; i < 100 && !Files.readString(cgroup.resolve("cgroup.procs")).contains(Integer.toString(pid)); i++) {
            Thread.sleep(20);
        }
        assertThat(Files.readString(cgroup.resolve("cgroup.procs")).lines()).contains(Integer.toString(pid));
        return pid;
    }

    private void go() throws IOException {
        OutputStream stdin = process.getOutputStream();
        stdin.write('\n');
        stdin.flush();
    }

    @Test
    void allocatingPastTheLimitPublishesOneOomEventForTheContainer() throws Exception {
        int pid = startInCgroup("exec dd if=/dev/zero of=/dev/null bs=64M count=1");
        watcher.watch("c1", pid);

        go();

        assertThat(process.waitFor(30, TimeUnit.SECONDS)).isTrue();
        assertThat(process.exitValue()).isEqualTo(137);
        Message event = published.poll(10, TimeUnit.SECONDS);
        assertThat(event).isEqualTo(TaskOOM.newBuilder().setContainerId("c1").build());
        assertThat(Files.readString(cgroup.resolve("memory.oom_control")).lines()).contains("oom_kill 1");
        assertThat(published.poll(500, TimeUnit.MILLISECONDS)).as("one OOM, one event").isNull();
    }

    @Test
    void aProcessWithinTheLimitPublishesNothingAndRemovingTheCgroupEndsTheWatch() throws Exception {
        int pid = startInCgroup("exec true");
        watcher.watch("c2", pid);

        go();
        assertThat(process.waitFor(30, TimeUnit.SECONDS)).isTrue();
        assertThat(process.exitValue()).isZero();
        Files.delete(cgroup);

        for (int i = 0; i < 100 && watchThreadAlive("oom-c2"); i++) {
            Thread.sleep(20);
        }
        assertThat(watchThreadAlive("oom-c2")).as("watch thread ends with its cgroup").isFalse();
        assertThat(published).isEmpty();
    }

    @Test
    void unwatchingEndsTheWatchThreadWhileTheCgroupStays() throws Exception {
        int pid = startInCgroup("exec sleep 600");
        watcher.watch("c3", pid);
        assertThat(watchThreadAlive("oom-c3")).isTrue();

        watcher.unwatch("c3");

        for (int i = 0; i < 100 && watchThreadAlive("oom-c3"); i++) {
            Thread.sleep(20);
        }
        assertThat(watchThreadAlive("oom-c3")).as("watch thread ends on unwatch").isFalse();
        assertThat(cgroup).exists();
    }

    @Test
    void anExitedProcessHasNoMemoryCgroupToWatch() throws Exception {
        // a child that exits in the cgroup and stays a zombie: python never reaps it (a shell may reap its
        // background job before exec'ing sleep, which made this flaky)
        String script = "import os, sys, time\n"
                + "open('" + cgroup.resolve("cgroup.procs") + "', 'w').write(str(os.getpid()))\n"
                + "pid = os.fork()\n"
                + "if pid == 0:\n    os._exit(0)\n"
                + "print(pid, flush=True)\n"
                + "time.sleep(600)\n";
        process = new ProcessBuilder("python3", "-c", script).redirectErrorStream(true).start();
        int zombie = Integer.parseInt(new java.io.BufferedReader(new java.io.InputStreamReader(
                process.getInputStream())).readLine().strip());
        Path stat = Path.of("/proc", Integer.toString(zombie), "stat");
        for (int i = 0; i < 100 && !Files.readString(stat).split(" ")[2].equals("Z"); i++) {
            Thread.sleep(20);
        }
        assertThat(Files.readString(stat).split(" ")[2]).isEqualTo("Z");
        assertThat(watcher.memoryCgroupOf((int) process.pid())).contains(new OomWatcher.Target(cgroup, false));

        // a zombie's /proc/PID/cgroup names the hierarchy roots, whose watch would never end
        assertThat(watcher.memoryCgroupOf(zombie)).isEmpty();
        watcher.watch("c4", zombie);
        assertThat(watchThreadAlive("oom-c4")).isFalse();
    }

    @Test
    void theKillOfAReapedProcessIsQueuedWhenTheExitCheckReturnsAndPublishedOnce() throws Exception {
        startInCgroup("exec dd if=/dev/zero of=/dev/null bs=64M count=1");
        watcher.monitor("c5", new OomWatcher.Target(cgroup, false));
        watcher.open("c5");

        go();
        assertThat(process.waitFor(30, TimeUnit.SECONDS)).isTrue(); // reaped
        assertThat(process.exitValue()).isEqualTo(137);
        watcher.settle("c5"); // what the shim does before it publishes the exit

        assertThat(published.poll()).as("queued when the exit check returned")
                .isEqualTo(TaskOOM.newBuilder().setContainerId("c5").build());
        watcher.unwatch("c5");
        for (int i = 0; i < 250 && watchThreadAlive("oom-c5"); i++) {
            Thread.sleep(20);
        }
        assertThat(watchThreadAlive("oom-c5")).as("watch thread ends on unwatch").isFalse();
        assertThat(published).as("one kill, one event, once the watch ended").isEmpty();
    }

    @Test
    void aMemoryCgroupsLinkCountTellsWhetherACgroupIsBelowIt() throws Exception {
        assertThat(OomKills.mayHaveSubdirectories(cgroup)).as("a leaf cgroup (kernfs: 2 links)").isFalse();
        Path nested = Files.createDirectory(cgroup.resolve("nested"));
        try {
            assertThat(OomKills.mayHaveSubdirectories(cgroup)).as("a cgroup with one below it").isTrue();
        } finally {
            Files.delete(nested);
        }
    }

    @Test
    void aKillInANestedCgroupWithoutALimitOfItsOwnIsTheContainersAndPublishedOnce() throws Exception {
        Path nested = Files.createDirectory(cgroup.resolve("nested"));
        try {
            process = new ProcessBuilder("sh", "-c", "echo $$ > " + nested.resolve("cgroup.procs")
                    + "; read go; exec dd if=/dev/zero of=/dev/null bs=64M count=1")
                    .redirectErrorStream(true).redirectOutput(ProcessBuilder.Redirect.DISCARD).start();
            String pid = Long.toString(process.pid());
            for (int i = 0; i < 100 && !Files.readString(nested.resolve("cgroup.procs")).lines().toList().contains(pid);
                 i++) {
                Thread.sleep(20);
            }
            watcher.monitor("c6", new OomWatcher.Target(cgroup, false));
            watcher.open("c6");

            go();
            assertThat(process.waitFor(30, TimeUnit.SECONDS)).isTrue();
            assertThat(process.exitValue()).isEqualTo(137);
            watcher.settle("c6");

            assertThat(Files.readString(nested.resolve("memory.oom_control")).lines())
                    .as("v1 counts the kill in the victim's own cgroup").contains("oom_kill 1");
            assertThat(Files.readString(cgroup.resolve("memory.oom_control")).lines()).contains("oom_kill 0");
            assertThat(published.poll()).isEqualTo(TaskOOM.newBuilder().setContainerId("c6").build());
            watcher.unwatch("c6");
            for (int i = 0; i < 250 && watchThreadAlive("oom-c6"); i++) {
                Thread.sleep(20);
            }
            assertThat(watchThreadAlive("oom-c6")).isFalse();
            assertThat(published).as("one kill, one event, once the watch ended").isEmpty();
        } finally {
            for (int i = 0; i < 50 && Files.exists(nested); i++) {
                try {
                    Files.delete(nested);
                } catch (java.io.IOException stillBusy) {
                    Thread.sleep(100);
                }
            }
        }
    }

    private static boolean watchThreadAlive(String name) {
        return Thread.getAllStackTraces().keySet().stream().anyMatch(t -> t.getName().equals(name));
    }
}
