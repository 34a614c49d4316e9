package io.jshim.plugin.taskrunc;

import io.jshim.api.ContainerdAny;
import io.jshim.api.runc.v1.Options;
import io.jshim.api.task.v2.CreateTaskRequest;
import io.jshim.api.task.v2.DeleteRequest;
import io.jshim.api.task.v2.StartRequest;
import io.jshim.api.task.v2.WaitRequest;
import io.jshim.ttrpc.Status;
import io.jshim.ttrpc.TtrpcException;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.TimeUnit;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** A runtime that hangs is killed when the request's deadline passes, and the shim keeps creating containers. */
@Timeout(value = 120, unit = TimeUnit.SECONDS)
class RuncTaskDeadlineTest {
    @TempDir
    Path dir;

    @Test
    void aHungCreateIsKilledAtTheRequestDeadline() throws Exception {
        Path pids = dir.resolve("pids");
        Path fake = dir.resolve("hanging-runc");
        Files.writeString(fake, """
                #!/bin/sh
                for a in "$@"; do
                  if [ "$a" = create ]; then echo $$ >> %s; exec sleep 600; fi
                done
                exec runc "$@"
                """.formatted(pids));
        Files.setPosixFilePermissions(fake, PosixFilePermissions.fromString("rwxr-xr-x"));
        try (TaskShimHarness shim = TaskShimHarness.start(dir)) {
            TestBundle hung = TestBundle.create(dir.resolve("hung"), "true");
            long begin = System.nanoTime();

            assertThatThrownBy(() -> shim.task.withDeadline(Duration.ofSeconds(2)).create(CreateTaskRequest.newBuilder()
                    .setId("hung").setBundle(hung.dir.toString())
                    .setOptions(ContainerdAny.pack(Options.newBuilder().setBinaryName(fake.toString()).build()))
                    .build()))
                    .isInstanceOfSatisfying(TtrpcException.class,
                            e -> assertThat(e.status().code()).isEqualTo(Status.Code.DEADLINE_EXCEEDED));
            List<Long> hungPids = Files.readAllLines(pids).stream().map(String::strip).map(Long::parseLong).toList();
            assertThat(hungPids).hasSize(1);
            long end = System.nanoTime() + Duration.ofSeconds(10).toNanos();
            while (ProcessHandle.of(hungPids.getFirst()).isPresent() && System.nanoTime() < end) {
                Thread.sleep(50);
            }
            Path status = Path.of("/proc", hungPids.getFirst().toString(), "status");
            assertThat(ProcessHandle.of(hungPids.getFirst())).as("hung runtime killed: %s",
                    Files.exists(status) ? Files.readAllLines(status).subList(0, 8) : "gone").isEmpty();
            assertThat(Duration.ofNanos(System.nanoTime() - begin)).isLessThan(Duration.ofSeconds(10));

            TestBundle ok = TestBundle.create(dir.resolve("ok"), "true");
            shim.task.create(CreateTaskRequest.newBuilder().setId("ok").setBundle(ok.dir.toString()).build());
            shim.task.start(StartRequest.newBuilder().setId("ok").build());
            assertThat(shim.task.wait(WaitRequest.newBuilder().setId("ok").build()).getExitStatus()).isZero();
            shim.task.delete(DeleteRequest.newBuilder().setId("ok").build());
        }
    }
}
