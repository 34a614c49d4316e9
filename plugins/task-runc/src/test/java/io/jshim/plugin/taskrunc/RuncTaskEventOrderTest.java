package io.jshim.plugin.taskrunc;

import com.google.protobuf.Any;
import com.google.protobuf.ByteString;
import io.jshim.api.ContainerdAny;
import io.jshim.api.events.TaskExecStarted;
import io.jshim.api.events.TaskExit;
import io.jshim.api.events.TaskStart;
import io.jshim.api.task.v2.CreateTaskRequest;
import io.jshim.api.task.v2.DeleteRequest;
import io.jshim.api.task.v2.ExecProcessRequest;
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
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * A process's {@code /tasks/exit} follows its start event even when it exits at once, while the shim is still
 * handling Start: {@code /tasks/start} for init, {@code /tasks/exec-started} for an exec'd process.
 */
@Timeout(value = 240, unit = TimeUnit.SECONDS)
class RuncTaskEventOrderTest {
    private static final int PROCESSES = 30;

    @TempDir
    Path dir;
    private TaskShimHarness shim;

    @BeforeEach
    void start() throws IOException {
        shim = TaskShimHarness.start(dir);
    }

    @AfterEach
    void stop() {
        shim.close();
    }

    @Test
    void initThatExitsAtOnceHasItsExitPublishedAfterItsStart() throws Exception {
        TestBundle bundle = TestBundle.create(dir.resolve("b"), "true");
        for (int i = 0; i < PROCESSES; i++) {
            String id = "c" + i;
            shim.task.create(CreateTaskRequest.newBuilder().setId(id).setBundle(bundle.dir.toString()).build());
            shim.task.start(StartRequest.newBuilder().setId(id).build());
            shim.task.wait(WaitRequest.newBuilder().setId(id).build());
            awaitExits(i + 1);
            shim.task.delete(DeleteRequest.newBuilder().setId(id).build());
        }

        List<String> order = order();
        for (int i = 0; i < PROCESSES; i++) {
            String id = "c" + i;
            assertThat(order).as("events of %s", id).containsSubsequence("start " + id, "exit " + id);
        }
    }

    @Test
    void execThatExitsAtOnceHasItsExitPublishedAfterExecStarted() throws Exception {
        TestBundle bundle = TestBundle.create(dir.resolve("b"), "sleep", "600");
        shim.task.create(CreateTaskRequest.newBuilder().setId("c1").setBundle(bundle.dir.toString()).build());
        shim.task.start(StartRequest.newBuilder().setId("c1").build());
        try {
            for (int i = 0; i < PROCESSES; i++) {
                String execId = "e" + i;
                shim.task.exec(ExecProcessRequest.newBuilder().setId("c1").setExecId(execId)
                        .setSpec(Any.newBuilder().setTypeUrl(ContainerdAny.OCI_PROCESS_TYPE_URL)
                                .setValue(ByteString.copyFromUtf8("{\"args\":[\"true\"],\"cwd\":\"/\","
                                        + "\"env\":[\"PATH=/bin\"],\"user\":{\"uid\":0,\"gid\":0}}"))).build());
                shim.task.start(StartRequest.newBuilder().setId("c1").setExecId(execId).build());
                shim.task.wait(WaitRequest.newBuilder().setId("c1").setExecId(execId).build());
                awaitExits(i + 1);
                shim.task.delete(DeleteRequest.newBuilder().setId("c1").setExecId(execId).build());
            }
        } finally {
            shim.task.kill(KillRequest.newBuilder().setId("c1").setSignal(9).build());
            shim.task.wait(WaitRequest.newBuilder().setId("c1").build());
            shim.task.delete(DeleteRequest.newBuilder().setId("c1").build());
        }

        List<String> order = order();
        for (int i = 0; i < PROCESSES; i++) {
            String execId = "e" + i;
            assertThat(order).as("events of exec %s", execId).containsSubsequence("start " + execId, "exit " + execId);
        }
    }

    /** Waits until {@code count} exit events were published (an exit is published after Wait returns). */
    private void awaitExits(int count) throws InterruptedException {
        for (int i = 0; i < 500 && exits() < count; i++) {
            Thread.sleep(10);
        }
        assertThat(exits()).as("exit events published").isEqualTo(count);
    }

    private long exits() {
        return shim.events.events().stream().filter(e -> e.message() instanceof TaskExit).count();
    }

    /** "start ID" and "exit ID" in publication order; ID is the exec id for exec'd processes. */
    private List<String> order() {
        List<String> order = new ArrayList<>();
        for (RecordingPublisher.Event e : shim.events.events()) {
            switch (e.message()) {
                case TaskStart s -> order.add("start " + s.getContainerId());
                case TaskExecStarted s -> order.add("start " + s.getExecId());
                case TaskExit x -> order.add("exit " + x.getId());
                default -> { }
            }
        }
        return order;
    }
}
