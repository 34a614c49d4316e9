package io.jshim.plugin.taskrunc;

import com.google.protobuf.Any;
import com.google.protobuf.ByteString;
import io.jshim.api.ContainerdAny;
import io.jshim.api.events.TaskExit;
import io.jshim.api.task.v2.CreateTaskRequest;
import io.jshim.api.task.v2.DeleteRequest;
import io.jshim.api.task.v2.ExecProcessRequest;
import io.jshim.api.task.v2.KillRequest;
import io.jshim.api.task.v2.StartRequest;
import io.jshim.api.task.v2.StateRequest;
import io.jshim.api.task.v2.WaitRequest;
import io.jshim.api.task.v2.WaitResponse;
import io.jshim.ttrpc.Status;
import io.jshim.ttrpc.TtrpcException;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.file.Path;
import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** Exec'd processes in a running runc container: exit codes, a binary that does not exist, bad exec ids. */
@Timeout(value = 120, unit = TimeUnit.SECONDS)
class RuncTaskExecTest {
    @TempDir
    Path dir;
    private TaskShimHarness shim;

    @BeforeEach
    void startSleeper() throws IOException {
        shim = TaskShimHarness.start(dir);
        TestBundle bundle = TestBundle.create(dir.resolve("b"), "sleep", "600");
        shim.task.create(CreateTaskRequest.newBuilder().setId("c1").setBundle(bundle.dir.toString()).build());
        shim.task.start(StartRequest.newBuilder().setId("c1").build());
    }

    @AfterEach
    void stop() {
        try {
            shim.task.kill(KillRequest.newBuilder().setId("c1").setSignal(9).build());
            shim.task.wait(WaitRequest.newBuilder().setId("c1").build());
            shim.task.delete(DeleteRequest.newBuilder().setId("c1").build());
        } finally {
            shim.close();
        }
    }

    private void exec(String execId, String... args) {
        StringBuilder json = new StringBuilder("{\"args\":[");
        for (int i = 0; i < args.length; i++) {
            json.append(i == 0 ? "" : ",").append('"').append(args[i].replace("\"", "\\\"")).append('"');
        }
        json.append("],\"cwd\":\"/\",\"env\":[\"PATH=/bin\"],\"user\":{\"uid\":0,\"gid\":0}}");
        shim.task.exec(ExecProcessRequest.newBuilder().setId("c1").setExecId(execId)
                .setSpec(Any.newBuilder().setTypeUrl(ContainerdAny.OCI_PROCESS_TYPE_URL)
                        .setValue(ByteString.copyFromUtf8(json.toString()))).build());
    }

    @Test
    void execExitCodeIsReportedByWaitAndEvent() throws Exception {
        exec("e1", "sh", "-c", "exit 5");
        int pid = shim.task.start(StartRequest.newBuilder().setId("c1").setExecId("e1").build()).getPid();

        assertThat(shim.task.wait(WaitRequest.newBuilder().setId("c1").setExecId("e1").build()).getExitStatus())
                .isEqualTo(5);
        TaskExit exit = shim.events.await("/tasks/exit", TaskExit.class, Duration.ofSeconds(10));
        assertThat(exit.getId()).isEqualTo("e1");
        assertThat(exit.getPid()).isEqualTo(pid);
        assertThat(shim.task.delete(DeleteRequest.newBuilder().setId("c1").setExecId("e1").build()).getExitStatus())
                .isEqualTo(5);
        assertThat(shim.events.topics()).containsExactly("/tasks/create", "/tasks/start", "/tasks/exec-added",
                "/tasks/exec-started", "/tasks/exit");
    }

    @Test
    void aMissingBinaryFailsStartNamingItAndReleasesWaiters() throws Exception {
        exec("missing", "/bin/no-such-binary");
        CompletableFuture<WaitResponse> waiting = CompletableFuture.supplyAsync(
                () -> shim.task.wait(WaitRequest.newBuilder().setId("c1").setExecId("missing").build()));
        Thread.sleep(200);

        assertThatThrownBy(() -> shim.task.start(StartRequest.newBuilder().setId("c1").setExecId("missing").build()))
                .isInstanceOfSatisfying(TtrpcException.class, e -> {
                    assertThat(e.status().code()).isEqualTo(Status.Code.UNKNOWN);
                    assertThat(e.status().description()).contains("OCI runtime exec failed")
                            .contains("/bin/no-such-binary");
                });
        // like the Go shim: Wait returns (status 0) for a process that never ran, and no exit event is published
        assertThat(waiting.get(10, TimeUnit.SECONDS).getExitStatus()).isZero();
        shim.task.delete(DeleteRequest.newBuilder().setId("c1").setExecId("missing").build());
        assertThat(shim.events.topics()).doesNotContain("/tasks/exit");
        assertThat(shim.task.state(StateRequest.newBuilder().setId("c1").build()).getStatus())
                .isEqualTo(io.jshim.api.v1.types.Status.RUNNING);
    }

    @Test
    void duplicateAndUnknownExecIdsAreRefused() {
        exec("dup", "true");
        assertThatThrownBy(() -> exec("dup", "true")).isInstanceOfSatisfying(TtrpcException.class,
                e -> assertThat(e.status().code()).isEqualTo(Status.Code.ALREADY_EXISTS));
        assertThatThrownBy(() -> shim.task.start(StartRequest.newBuilder().setId("c1").setExecId("nope").build()))
                .isInstanceOfSatisfying(TtrpcException.class,
                        e -> assertThat(e.status().code()).isEqualTo(Status.Code.NOT_FOUND));
        assertThatThrownBy(() -> exec("../escape", "true")).isInstanceOfSatisfying(TtrpcException.class,
                e -> assertThat(e.status().code()).isEqualTo(Status.Code.INVALID_ARGUMENT));
    }
}
