package io.jshim.plugin.taskrunc.options;

import com.google.protobuf.Any;
import com.google.protobuf.ByteString;
import io.jshim.api.ContainerdAny;
import io.jshim.api.linux.runc.CreateOptions;
import io.jshim.api.runc.v1.Options;
import io.jshim.plugin.taskrunc.error.TaskException;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class OptionsDecoderTest {
    @TempDir
    Path dir;

    @Test
    void noOptionsMeansDefaults() {
        assertThat(OptionsDecoder.decode(null)).isEqualTo(RuncOptions.NONE);
        assertThat(OptionsDecoder.decode(Any.getDefaultInstance())).isEqualTo(RuncOptions.NONE);
    }

    @Test
    void runcV1OptionsWithBareOrPrefixedTypeUrl() {
        Options o = Options.newBuilder().setBinaryName("crun").setRoot("/r").setSystemdCgroup(true)
                .setNoPivotRoot(true).setIoUid(5).setCriuWorkPath("/w").build();
        RuncOptions bare = OptionsDecoder.decode(ContainerdAny.pack(o));
        assertThat(bare).isEqualTo(new RuncOptions("crun", "/r", "", true, true, false, "", 5, 0, "", "/w"));
        assertThat(OptionsDecoder.decode(Any.pack(o))).isEqualTo(bare);
    }

    @Test
    void legacyLinuxRuncCreateOptions() {
        CreateOptions o = CreateOptions.newBuilder().setNoNewKeyring(true).setShimCgroup("/shim").build();
        RuncOptions r = OptionsDecoder.decode(ContainerdAny.pack(o));
        assertThat(r.noNewKeyring()).isTrue();
        assertThat(r.shimCgroup()).isEqualTo("/shim");
        assertThat(r.binaryName()).isEmpty();
    }

    @Test
    void criRuntimeOptionsPointToToml() throws Exception {
        Path toml = dir.resolve("runc.toml");
        Files.writeString(toml, "BinaryName = \"crun\"\nSystemdCgroup = true\n");
        var path = io.jshim.api.runtimeoptions.v1.Options.newBuilder().setConfigPath(toml.toString()).build();
        assertThat(OptionsDecoder.decode(ContainerdAny.pack(path)).binaryName()).isEqualTo("crun");
        var body = io.jshim.api.runtimeoptions.v1.Options.newBuilder()
                .setConfigBody(ByteString.copyFromUtf8("Root = \"/x\"")).build();
        assertThat(OptionsDecoder.decode(ContainerdAny.pack(body)).root()).isEqualTo("/x");
        assertThat(OptionsDecoder.decode(ContainerdAny.pack(io.jshim.api.runtimeoptions.v1.Options
                .getDefaultInstance()))).isEqualTo(RuncOptions.NONE);
    }

    @Test
    void otherTypesAreInvalidArguments() {
        Any other = Any.newBuilder().setTypeUrl("example.Other").setValue(ByteString.copyFromUtf8("x")).build();
        assertThatThrownBy(() -> OptionsDecoder.decode(other)).isInstanceOf(TaskException.InvalidArgument.class)
                .hasMessageContaining("unsupported runtime options type example.Other");
        Any broken = Any.newBuilder().setTypeUrl("containerd.runc.v1.Options")
                .setValue(ByteString.copyFrom(new byte[]{(byte) 0xff})).build();
        assertThatThrownBy(() -> OptionsDecoder.decode(broken)).isInstanceOf(TaskException.InvalidArgument.class);
    }
}
