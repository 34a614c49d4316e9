package io.jshim.plugin.taskrunc;

import io.jshim.api.task.v2.CreateTaskRequest;
import io.jshim.api.task.v2.DeleteRequest;
import io.jshim.api.task.v2.KillRequest;
import io.jshim.api.task.v2.StartRequest;
import io.jshim.api.task.v2.WaitRequest;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.file.Path;
import java.util.List;
import java.util.UUID;
import java.util.concurrent.TimeUnit;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The OOM watch of a container ends with it: containers that exit at once (before or while the watch is set up)
 * and containers that run until killed, created and deleted one after the other on one shim, leave no
 * {@code oom-<id>} thread behind.
 */
@Timeout(value = 180, unit = TimeUnit.SECONDS)
class OomWatchLifecycleTest {
    private static final int CONTAINERS = 20;

    @TempDir
    Path dir;
    private TaskShimHarness shim;
    private final String cgroupPrefix = "jshim-test-oom-" + UUID.randomUUID().toString().substring(0, 8);

    @BeforeEach
    void start() throws IOException {
        shim = TaskShimHarness.start(dir);
    }

    @AfterEach
    void stop() {
        shim.close();
    }

    @Test
    void deletedContainersLeaveNoOomWatchThread() throws Exception {
        int watchedWhileRunning = 0;
        for (int i = 0; i < CONTAINERS; i++) {
            String id = "c" + i;
            boolean sleeper = i % 4 == 3;
            TestBundle bundle = TestBundle.create(dir.resolve("b" + i), sleeper ? new String[]{"sleep", "600"}
                    : new String[]{"true"}).cgroupsPath("/" + cgroupPrefix + "-" + i);
            shim.task.create(CreateTaskRequest.newBuilder().setId(id).setBundle(bundle.dir.toString()).build());
            shim.task.start(StartRequest.newBuilder().setId(id).build());
            if (sleeper) {
                assertThat(oomThreads()).as("a running container is watched").contains("oom-" + id);
                watchedWhileRunning++;
                shim.task.kill(KillRequest.newBuilder().setId(id).setSignal(9).build());
            }
            shim.task.wait(WaitRequest.newBuilder().setId(id).build());
            shim.task.delete(DeleteRequest.newBuilder().setId(id).build());
        }
        assertThat(watchedWhileRunning).isEqualTo(CONTAINERS / 4);

        for (int i = 0; i < 250 && !oomThreads().isEmpty(); i++) {
            Thread.sleep(20);
        }
        assertThat(oomThreads()).as("OOM watch threads after every container was deleted").isEmpty();
    }

    private static List<String> oomThreads() {
        return Thread.getAllStackTraces().keySet().stream().map(Thread::getName).filter(n -> n.startsWith("oom-"))
                .sorted().toList();
    }
}
