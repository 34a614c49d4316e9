package io.jshim.plugin.taskrunc;

import io.jshim.api.task.v2.CreateTaskRequest;
import io.jshim.api.task.v2.DeleteRequest;
import io.jshim.api.task.v2.DeleteResponse;
import io.jshim.api.task.v2.KillRequest;
import io.jshim.api.task.v2.StartRequest;
import io.jshim.api.task.v2.WaitRequest;
import io.jshim.api.types.Mount;
import io.jshim.framework.DeleteRecord;
import io.jshim.ttrpc.Status;
import io.jshim.ttrpc.TtrpcException;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.TimeUnit;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/**
 * A Create that fails in runc (a missing binary) is undone - its bind-mounted rootfs unmounted, nothing in runc's
 * state - and then leaves the delete action's answer in the bundle, as the Go shim's delete would give it (pid -1
 * without init.pid, 137); a running container's bundle gets none until its Delete.
 */
@Timeout(value = 120, unit = TimeUnit.SECONDS)
class RuncTaskFailedCreateTest {
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
    void aCreateFailingInRuncIsUndoneAndRecordedAsTheGoShimsDeleteWouldAnswer() throws Exception {
        Path source = snapshot();
        TestBundle bundle = TestBundle.create(dir.resolve("b"), "/no/such/binary");
        Path rootfs = bundle.dir.resolve("rootfs");
        CreateTaskRequest create = createC1(bundle, source);

        assertThatThrownBy(() -> shim.task.create(create)).isInstanceOf(TtrpcException.class)
                .hasMessageContaining("OCI runtime create failed")
                .hasMessageContaining("stat /no/such/binary: no such file or directory");

        DeleteResponse answer = DeleteResponse.parseFrom(DeleteRecord.read(bundle.dir).orElseThrow());
        assertThat(Integer.toUnsignedLong(answer.getPid())).isEqualTo(4294967295L);
        assertThat(answer.getExitStatus()).isEqualTo(137);
        assertThat(answer.getExitedAt().getSeconds()).isPositive();
        assertThat(mounted(rootfs)).isFalse();
        assertThat(dir.resolve("runc").resolve(TaskShimHarness.NAMESPACE).resolve("c1")).doesNotExist();
    }

    @Test
    void aCreateWhoseSpecCannotBeReadFailsNamingItWithItsRootfsUnmountedAndTheIdFree() throws Exception {
        Path source = snapshot();
        TestBundle bundle = TestBundle.create(dir.resolve("b"), "true");
        Path config = bundle.dir.resolve("config.json");
        String spec = Files.readString(config);
        Files.writeString(config, "{\"ociVersion\": ");
        Path rootfs = bundle.dir.resolve("rootfs");
        CreateTaskRequest create = createC1(bundle, source);

        assertThatThrownBy(() -> shim.task.create(create)).isInstanceOfSatisfying(TtrpcException.class,
                e -> assertThat(e.status().code()).isEqualTo(Status.Code.INVALID_ARGUMENT))
                .hasMessageContaining("failed to read OCI spec " + config);
        assertThat(mounted(rootfs)).as("the rootfs mounted meanwhile is unmounted").isFalse();
        assertThat(dir.resolve("runc").resolve(TaskShimHarness.NAMESPACE).resolve("c1")).doesNotExist();
        assertThat(DeleteRecord.read(bundle.dir)).as("no runtime ran: no record").isEmpty();

        Files.writeString(config, spec);
        shim.task.create(create);
        shim.task.start(StartRequest.newBuilder().setId("c1").build());
        assertThat(shim.task.wait(WaitRequest.newBuilder().setId("c1").build()).getExitStatus()).isZero();
        shim.task.delete(DeleteRequest.newBuilder().setId("c1").build());
        assertThat(mounted(rootfs)).isFalse();
    }

    @Test
    void aRunningContainersBundleHasNoRecordUntilItsDelete() throws Exception {
        TestBundle bundle = TestBundle.create(dir.resolve("b"), "sleep", "600");
        shim.task.create(CreateTaskRequest.newBuilder().setId("c1").setBundle(bundle.dir.toString()).build());
        shim.task.start(StartRequest.newBuilder().setId("c1").build());

        assertThatThrownBy(() -> shim.task.create(CreateTaskRequest.newBuilder().setId("c1")
                .setBundle(bundle.dir.toString()).build())).isInstanceOf(TtrpcException.class)
                .hasMessageContaining("already exists");
        assertThat(DeleteRecord.read(bundle.dir)).isEmpty();

        shim.task.kill(KillRequest.newBuilder().setId("c1").setSignal(9).build());
        shim.task.wait(WaitRequest.newBuilder().setId("c1").build());
        shim.task.delete(DeleteRequest.newBuilder().setId("c1").build());
        assertThat(DeleteRecord.read(bundle.dir)).isPresent();
    }

    private static boolean mounted(Path target) throws IOException {
        String t = target.toRealPath().toString();
        return Files.readAllLines(Path.of("/proc/self/mountinfo")).stream()
                .anyMatch(line -> line.split(" ")[4].equals(t));
    }

    /** Create of task c1 in {@code bundle} with {@code source} bind-mounted as its rootfs. */
    private static CreateTaskRequest createC1(TestBundle bundle, Path source) {
        return CreateTaskRequest.newBuilder().setId("c1").setBundle(bundle.dir.toString())
                .addRootfs(Mount.newBuilder().setType("bind").setSource(source.toString()).addOptions("rbind")
                        .addOptions("rw"))
                .build();
    }

    /** A populated rootfs to bind-mount. */
    private Path snapshot() throws Exception {
        Path source = dir.resolve("snapshot");
        TestBundle.populateRootfs(source);
        return source;
    }
}
