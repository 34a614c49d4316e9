package io.jshim.api;

import static org.assertj.core.api.Assertions.assertThat;

import com.google.protobuf.Any;
import com.google.protobuf.Message;
import io.jshim.api.events.TaskCheckpointed;
import io.jshim.api.events.TaskCreate;
import io.jshim.api.events.TaskDelete;
import io.jshim.api.events.TaskExecAdded;
import io.jshim.api.events.TaskExecStarted;
import io.jshim.api.events.TaskExit;
import io.jshim.api.events.TaskIO;
import io.jshim.api.events.TaskOOM;
import io.jshim.api.events.TaskPaused;
import io.jshim.api.events.TaskResumed;
import io.jshim.api.events.TaskStart;
import io.jshim.api.linux.runc.CreateOptions;
import io.jshim.api.linux.runc.RuncOptions;
import io.jshim.api.runc.v1.CheckpointOptions;
import io.jshim.api.runc.v1.Options;
import io.jshim.api.runc.v1.ProcessDetails;
import io.jshim.api.runtime.bootstrap.v1.BootstrapParams;
import io.jshim.api.runtime.bootstrap.v1.BootstrapResult;
import io.jshim.api.types.Envelope;
import io.jshim.api.types.Metric;
import io.jshim.api.types.RuntimeInfo;
import io.jshim.api.types.RuntimeRequest;
import java.util.stream.Stream;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * Pins the type URL of every message that travels inside an {@code Any} between containerd and a
 * shim. The expected names are literals copied from containerd's Go sources: a renamed proto
 * package or message breaks containerd silently, so it must break this test.
 */
class TypeUrlContractTest {

    static Stream<Arguments> messagesCarriedInAny() {
        return Stream.of(
                // events published to containerd.services.events.ttrpc.v1.Events/Forward
                Arguments.of(TaskCreate.getDefaultInstance(), "containerd.events.TaskCreate"),
                Arguments.of(TaskStart.getDefaultInstance(), "containerd.events.TaskStart"),
                Arguments.of(TaskDelete.getDefaultInstance(), "containerd.events.TaskDelete"),
                Arguments.of(TaskIO.getDefaultInstance(), "containerd.events.TaskIO"),
                Arguments.of(TaskExit.getDefaultInstance(), "containerd.events.TaskExit"),
                Arguments.of(TaskOOM.getDefaultInstance(), "containerd.events.TaskOOM"),
                Arguments.of(TaskExecAdded.getDefaultInstance(), "containerd.events.TaskExecAdded"),
                Arguments.of(TaskExecStarted.getDefaultInstance(), "containerd.events.TaskExecStarted"),
                Arguments.of(TaskPaused.getDefaultInstance(), "containerd.events.TaskPaused"),
                Arguments.of(TaskResumed.getDefaultInstance(), "containerd.events.TaskResumed"),
                Arguments.of(TaskCheckpointed.getDefaultInstance(), "containerd.events.TaskCheckpointed"),
                // CreateTaskRequest.options, CheckpointTaskRequest.options, ProcessInfo.info
                Arguments.of(Options.getDefaultInstance(), "containerd.runc.v1.Options"),
                Arguments.of(CheckpointOptions.getDefaultInstance(), "containerd.runc.v1.CheckpointOptions"),
                Arguments.of(ProcessDetails.getDefaultInstance(), "containerd.runc.v1.ProcessDetails"),
                Arguments.of(RuncOptions.getDefaultInstance(), "containerd.linux.runc.RuncOptions"),
                Arguments.of(CreateOptions.getDefaultInstance(), "containerd.linux.runc.CreateOptions"),
                Arguments.of(io.jshim.api.linux.runc.CheckpointOptions.getDefaultInstance(),
                        "containerd.linux.runc.CheckpointOptions"),
                Arguments.of(io.jshim.api.linux.runc.ProcessDetails.getDefaultInstance(),
                        "containerd.linux.runc.ProcessDetails"),
                Arguments.of(io.jshim.api.runtimeoptions.v1.Options.getDefaultInstance(), "runtimeoptions.v1.Options"),
                // StatsResponse.stats
                Arguments.of(io.jshim.api.cgroups.v1.Metrics.getDefaultInstance(), "io.containerd.cgroups.v1.Metrics"),
                Arguments.of(io.jshim.api.cgroups.v2.Metrics.getDefaultInstance(), "io.containerd.cgroups.v2.Metrics"),
                // introspection (PluginInfo options / extra), metrics service, streamed envelopes
                Arguments.of(RuntimeRequest.getDefaultInstance(), "containerd.types.RuntimeRequest"),
                Arguments.of(RuntimeInfo.getDefaultInstance(), "containerd.types.RuntimeInfo"),
                Arguments.of(Metric.getDefaultInstance(), "containerd.types.Metric"),
                Arguments.of(Envelope.getDefaultInstance(), "containerd.types.Envelope"),
                Arguments.of(io.jshim.api.services.events.ttrpc.v1.Envelope.getDefaultInstance(),
                        "containerd.services.events.ttrpc.v1.Envelope"),
                // containerd 2.3+ bootstrap (JSON on stdin/stdout, messages named by the same rules)
                Arguments.of(BootstrapParams.getDefaultInstance(), "containerd.runtime.bootstrap.v1.BootstrapParams"),
                Arguments.of(BootstrapResult.getDefaultInstance(), "containerd.runtime.bootstrap.v1.BootstrapResult"));
    }

    @ParameterizedTest(name = "{1}")
    @MethodSource("messagesCarriedInAny")
    void containerdPacksWithTheBareFullName(Message message, String containerdTypeUrl) {
        assertThat(ContainerdAny.pack(message).getTypeUrl()).isEqualTo(containerdTypeUrl);
        assertThat(ContainerdAny.typeUrl(message.getDescriptorForType())).isEqualTo(containerdTypeUrl);
    }

    @ParameterizedTest(name = "{1}")
    @MethodSource("messagesCarriedInAny")
    void protobufJavaPacksWithTheGoogleApisPrefix(Message message, String containerdTypeUrl) {
        assertThat(Any.pack(message).getTypeUrl()).isEqualTo("type.googleapis.com/" + containerdTypeUrl);
    }

    @ParameterizedTest(name = "{1}")
    @MethodSource("messagesCarriedInAny")
    void bothSpellingsUnpack(Message message, String containerdTypeUrl) throws Exception {
        Any bare = Any.newBuilder().setTypeUrl(containerdTypeUrl).setValue(message.toByteString()).build();
        Any prefixed = Any.pack(message);

        assertThat(ContainerdAny.is(bare, message.getClass())).isTrue();
        assertThat(ContainerdAny.is(prefixed, message.getClass())).isTrue();
        assertThat(ContainerdAny.unpack(bare, message.getClass())).isEqualTo(message);
        assertThat(ContainerdAny.unpack(prefixed, message.getClass())).isEqualTo(message);
    }
}
