package io.jshim.api;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.google.protobuf.Any;
import com.google.protobuf.ByteString;
import com.google.protobuf.InvalidProtocolBufferException;
import io.jshim.api.events.TaskExit;
import io.jshim.api.events.TaskStart;
import io.jshim.api.runc.v1.Options;
import org.junit.jupiter.api.Test;

class ContainerdAnyTest {

    private static final TaskExit EXIT = TaskExit.newBuilder()
            .setContainerId("c1").setId("c1").setPid(42).setExitStatus(137).build();

    @Test
    void packsBareTypeUrlAndBinaryValue() {
        Any any = ContainerdAny.pack(EXIT);

        assertThat(any.getTypeUrl()).isEqualTo("containerd.events.TaskExit");
        assertThat(any.getValue()).isEqualTo(EXIT.toByteString());
    }

    @Test
    void protobufJavaAloneCannotReadWhatContainerdSends() {
        Any fromContainerd = ContainerdAny.pack(EXIT);

        // The reason ContainerdAny exists: Any.is/unpack find no type name in a bare URL.
        assertThat(fromContainerd.is(TaskExit.class)).isFalse();
        assertThatThrownBy(() -> fromContainerd.unpack(TaskExit.class))
                .isInstanceOf(InvalidProtocolBufferException.class);
    }

    @Test
    void rejectsAnotherTypeNamingBoth() {
        Any start = ContainerdAny.pack(TaskStart.newBuilder().setContainerId("c1").build());

        assertThat(ContainerdAny.is(start, TaskExit.class)).isFalse();
        assertThatThrownBy(() -> ContainerdAny.unpack(start, TaskExit.class))
                .isInstanceOf(InvalidProtocolBufferException.class)
                .hasMessage("failed to unpack Any with type URL 'containerd.events.TaskStart' as "
                        + "containerd.events.TaskExit: type mismatch");
    }

    @Test
    void rejectsAnEmptyAny() {
        assertThat(ContainerdAny.is(Any.getDefaultInstance(), Options.class)).isFalse();
        assertThatThrownBy(() -> ContainerdAny.unpack(Any.getDefaultInstance(), Options.class))
                .isInstanceOf(InvalidProtocolBufferException.class)
                .hasMessageContaining("type URL ''");
    }

    @Test
    void rejectsAMalformedValue() {
        Any broken = Any.newBuilder()
                .setTypeUrl("containerd.runc.v1.Options")
                .setValue(ByteString.copyFrom(new byte[] {0x0a, 0x05, 0x01}))
                .build();

        assertThatThrownBy(() -> ContainerdAny.unpack(broken, Options.class))
                .isInstanceOf(InvalidProtocolBufferException.class);
    }

    @Test
    void typeNameOfJsonOciTypesIsTheLastSegment() {
        Any process = Any.newBuilder().setTypeUrl(ContainerdAny.OCI_PROCESS_TYPE_URL).build();

        assertThat(ContainerdAny.OCI_PROCESS_TYPE_URL)
                .isEqualTo("types.containerd.io/opencontainers/runtime-spec/1/Process");
        assertThat(ContainerdAny.OCI_LINUX_RESOURCES_TYPE_URL)
                .isEqualTo("types.containerd.io/opencontainers/runtime-spec/1/LinuxResources");
        assertThat(ContainerdAny.OCI_FEATURES_TYPE_URL)
                .isEqualTo("types.containerd.io/opencontainers/runtime-spec/1/features/Features");
        assertThat(ContainerdAny.typeName(process)).isEqualTo("Process");
    }
}
