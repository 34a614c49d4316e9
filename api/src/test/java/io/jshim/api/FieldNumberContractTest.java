package io.jshim.api;

import static org.assertj.core.api.Assertions.assertThat;

import com.google.protobuf.Any;
import com.google.protobuf.ByteString;
import com.google.protobuf.CodedInputStream;
import com.google.protobuf.Descriptors.Descriptor;
import com.google.protobuf.Timestamp;
import com.google.protobuf.WireFormat;
import io.jshim.api.events.TaskExit;
import io.jshim.api.linux.runc.CreateOptions;
import io.jshim.api.runc.v1.Options;
import io.jshim.api.task.v2.CreateTaskRequest;
import io.jshim.api.task.v2.StateResponse;
import io.jshim.api.types.Mount;
import io.jshim.api.v1.types.Status;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * Pins field numbers containerd's client and daemon rely on, read from containerd's .proto files
 * (literals, not recomputed), both through the descriptors and through the encoded bytes.
 */
class FieldNumberContractTest {

    private static final HexFormat HEX = HexFormat.of();

    static Stream<Arguments> pinnedFields() {
        return Stream.of(
                Arguments.of(CreateTaskRequest.getDescriptor(), "id", 1),
                Arguments.of(CreateTaskRequest.getDescriptor(), "bundle", 2),
                Arguments.of(CreateTaskRequest.getDescriptor(), "rootfs", 3),
                Arguments.of(CreateTaskRequest.getDescriptor(), "terminal", 4),
                Arguments.of(CreateTaskRequest.getDescriptor(), "stdin", 5),
                Arguments.of(CreateTaskRequest.getDescriptor(), "stderr", 7),
                Arguments.of(CreateTaskRequest.getDescriptor(), "checkpoint", 8),
                Arguments.of(CreateTaskRequest.getDescriptor(), "parent_checkpoint", 9),
                Arguments.of(CreateTaskRequest.getDescriptor(), "options", 10),
                Arguments.of(io.jshim.api.task.v3.CreateTaskRequest.getDescriptor(), "options", 10),
                Arguments.of(StateResponse.getDescriptor(), "status", 4),
                Arguments.of(StateResponse.getDescriptor(), "exit_status", 9),
                Arguments.of(StateResponse.getDescriptor(), "exited_at", 10),
                Arguments.of(StateResponse.getDescriptor(), "exec_id", 11),
                Arguments.of(io.jshim.api.task.v2.KillRequest.getDescriptor(), "signal", 3),
                Arguments.of(io.jshim.api.task.v2.KillRequest.getDescriptor(), "all", 4),
                Arguments.of(io.jshim.api.task.v2.DeleteResponse.getDescriptor(), "exited_at", 3),
                Arguments.of(io.jshim.api.task.v2.ConnectResponse.getDescriptor(), "task_pid", 2),
                Arguments.of(io.jshim.api.task.v2.UpdateTaskRequest.getDescriptor(), "annotations", 3),
                Arguments.of(TaskExit.getDescriptor(), "exited_at", 5),
                Arguments.of(io.jshim.api.events.TaskDelete.getDescriptor(), "id", 5),
                Arguments.of(io.jshim.api.events.TaskCreate.getDescriptor(), "pid", 6),
                Arguments.of(io.jshim.api.services.events.ttrpc.v1.Envelope.getDescriptor(), "topic", 3),
                Arguments.of(io.jshim.api.services.events.ttrpc.v1.Envelope.getDescriptor(), "event", 4),
                Arguments.of(Options.getDescriptor(), "binary_name", 6),
                Arguments.of(Options.getDescriptor(), "root", 7),
                Arguments.of(Options.getDescriptor(), "criu_path", 8),
                Arguments.of(Options.getDescriptor(), "systemd_cgroup", 9),
                Arguments.of(Options.getDescriptor(), "task_api_version", 13),
                Arguments.of(CreateOptions.getDescriptor(), "no_new_keyring", 8),
                Arguments.of(CreateOptions.getDescriptor(), "shim_cgroup", 9),
                Arguments.of(CreateOptions.getDescriptor(), "io_uid", 10),
                Arguments.of(CreateOptions.getDescriptor(), "criu_image_path", 13),
                Arguments.of(io.jshim.api.runtimeoptions.v1.Options.getDescriptor(), "config_path", 2),
                Arguments.of(io.jshim.api.cgroups.v1.Metrics.getDescriptor(), "memory", 4),
                Arguments.of(io.jshim.api.cgroups.v1.Metrics.getDescriptor(), "memory_oom_control", 9),
                Arguments.of(io.jshim.api.cgroups.v2.Metrics.getDescriptor(), "cpu", 2),
                Arguments.of(io.jshim.api.cgroups.v2.Metrics.getDescriptor(), "memory", 4),
                Arguments.of(io.jshim.api.cgroups.v2.Metrics.getDescriptor(), "memory_events", 8),
                Arguments.of(io.jshim.api.runtime.bootstrap.v1.BootstrapParams.getDescriptor(), "extensions", 8),
                Arguments.of(io.jshim.api.runtime.bootstrap.v1.BootstrapResult.getDescriptor(), "version", 1));
    }

    @ParameterizedTest(name = "{0}.{1} = {2}")
    @MethodSource("pinnedFields")
    void fieldHasContainerdsNumber(Descriptor message, String field, int number) {
        assertThat(message.findFieldByName(field)).as("%s.%s", message.getFullName(), field).isNotNull();
        assertThat(message.findFieldByName(field).getNumber()).isEqualTo(number);
    }

    @Test
    void statusEnumKeepsContainerdsNumbers() {
        assertThat(Status.UNKNOWN.getNumber()).isZero();
        assertThat(Status.CREATED.getNumber()).isEqualTo(1);
        assertThat(Status.RUNNING.getNumber()).isEqualTo(2);
        assertThat(Status.STOPPED.getNumber()).isEqualTo(3);
        assertThat(Status.PAUSED.getNumber()).isEqualTo(4);
        assertThat(Status.PAUSING.getNumber()).isEqualTo(5);
    }

    @Test
    void taskExitEncodesToHandComputedBytes() {
        TaskExit exit = TaskExit.newBuilder()
                .setContainerId("c").setId("e").setPid(7).setExitStatus(137)
                .setExitedAt(Timestamp.newBuilder().setSeconds(1))
                .build();

        // 0a 01 'c' | 12 01 'e' | 18 07 | 20 89 01 (137) | 2a 02 [08 01]
        assertThat(HEX.formatHex(exit.toByteArray())).isEqualTo("0a0163" + "120165" + "1807" + "208901" + "2a020801");
    }

    @Test
    void runcOptionsEncodeToHandComputedBytes() {
        Options options = Options.newBuilder().setBinaryName("r").setRoot("/x").setSystemdCgroup(true).build();
        CreateOptions legacy = CreateOptions.newBuilder().setShimCgroup("/s").setIoUid(1000).build();

        assertThat(HEX.formatHex(options.toByteArray())).isEqualTo("320172" + "3a022f78" + "4801");
        assertThat(HEX.formatHex(legacy.toByteArray())).isEqualTo("4a022f73" + "50e807");
    }

    @Test
    void createTaskRequestPutsEveryFieldUnderContainerdsTag() throws Exception {
        CreateTaskRequest request = CreateTaskRequest.newBuilder()
                .setId("c1").setBundle("/b").addRootfs(Mount.newBuilder().setType("overlay"))
                .setTerminal(true).setStdin("i").setStdout("o").setStderr("e")
                .setCheckpoint("cp").setParentCheckpoint("pcp")
                .setOptions(ContainerdAny.pack(CreateOptions.newBuilder().setShimCgroup("/s").build()))
                .build();

        assertThat(fieldNumbersOnTheWire(request.toByteString())).containsExactly(1, 2, 3, 4, 5, 6, 7, 8, 9, 10);
        // The options field (10, length-delimited) starts with tag byte 0x52.
        assertThat(request.toByteArray()).contains((byte) 0x52);
    }

    private static List<Integer> fieldNumbersOnTheWire(ByteString bytes) throws Exception {
        CodedInputStream in = bytes.newCodedInput();
        List<Integer> numbers = new ArrayList<>();
        for (int tag = in.readTag(); tag != 0; tag = in.readTag()) {
            numbers.add(WireFormat.getTagFieldNumber(tag));
            in.skipField(tag);
        }
        return numbers;
    }
}
