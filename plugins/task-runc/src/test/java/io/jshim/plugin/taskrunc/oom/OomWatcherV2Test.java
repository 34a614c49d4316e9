package io.jshim.plugin.taskrunc.oom;

import io.jshim.api.events.TaskOOM;
import io.jshim.plugin.taskrunc.service.TaskEvents;
import io.jshim.plugin.taskrunc.threads.ReadyThreads;
import io.jshim.posix.PosixImplementation;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The cgroup v2 OOM monitoring from fixtures (this host is hybrid): a {@code memory.events} file in a temp dir,
 * watched through inotify as on a real cgroup, its {@code oom_kill} counter raised by the test as the kernel would.
 * Each kill is published once, whether the watch or the exit check sees it first, and an exit check returns only
 * after the kills it saw were queued. To know the watch thread has caught up, a test raises the counter once more
 * and waits for that event: inotify events are read in order.
 */
@Timeout(value = 60, unit = TimeUnit.SECONDS)
class OomWatcherV2Test {
    @TempDir
    Path dir;
    /** "start" markers and the ids of published OOM events, in order; guarded by itself. */
    private final List<String> published = new ArrayList<>();
    private OomWatcher watcher;
    private Path events;

    @BeforeEach
    void cgroup() throws IOException {
        watcher = new OomWatcher(PosixImplementation.FFM.create(), new TaskEvents((topic, event) -> {
            synchronized (published) {
                published.add(((TaskOOM) event).getContainerId());
                published.notifyAll();
            }
        }), new ReadyThreads(0), dir);
        Path cgroup = Files.createDirectories(dir.resolve("ns/c1"));
        events = cgroup.resolve("memory.events");
        raiseKillsTo(0);
        watcher.monitor("c1", new OomWatcher.Target(cgroup, true));
    }

    @AfterEach
    void stop() {
        watcher.close();
    }

    @Test
    void aKillBeforeTheStartEventIsPublishedOnceTheStartEventIsOut() throws Exception {
        raiseKillsTo(1);
        mark("start");
        watcher.open("c1");

        raiseKillsTo(2);
        awaitPublished(3);
        watcher.settle("c1");

        assertThat(published()).containsExactly("start", "c1", "c1");
    }

    @Test
    void theWatchAndTheExitCheckPublishEachKillOnceAndTheExitCheckReturnsAfterItsKillsWereQueued() throws Exception {
        watcher.open("c1");
        for (int kills = 1; kills <= 50; kills++) {
            raiseKillsTo(kills);
            if (kills % 2 == 1) {
                watcher.settle("c1");
                assertThat(published()).as("events when the exit check returned at %d kills", kills)
                        .hasSizeGreaterThanOrEqualTo(kills);
            }
        }
        raiseKillsTo(51);
        awaitPublished(51);
        watcher.settle("c1");

        assertThat(published()).as("one event per kill").hasSize(51).containsOnly("c1");
    }

    @Test
    void anUnmonitoredContainerHasNothingToSettle() {
        watcher.settle("other");
        watcher.open("other");

        assertThat(published()).isEmpty();
    }

    private void raiseKillsTo(long kills) throws IOException {
        Files.writeString(events,
                "low 0\nhigh 0\nmax 7\noom " + kills + "\noom_kill " + kills + "\noom_group_kill 0\n");
    }

    private void mark(String marker) {
        synchronized (published) {
            published.add(marker);
        }
    }

    private List<String> published() {
        synchronized (published) {
            return List.copyOf(published);
        }
    }

    private void awaitPublished(int size) throws InterruptedException {
        synchronized (published) {
            while (published.size() < size) {
                published.wait();
            }
        }
    }
}
