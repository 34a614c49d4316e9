package io.jshim.api;

import static org.assertj.core.api.Assertions.assertThat;

import com.google.protobuf.Any;
import io.jshim.api.linux.runc.CreateOptions;
import io.jshim.api.runc.v1.Options;
import io.jshim.api.task.v2.CreateTaskRequest;
import io.jshim.api.types.Mount;
import org.junit.jupiter.api.Test;

class CreateTaskRoundTripTest {

    @Test
    void createTaskRequestWithLegacyRuncCreateOptionsSurvivesTheWire() throws Exception {
        CreateOptions options = CreateOptions.newBuilder()
                .setNoPivotRoot(true)
                .setShimCgroup("/kubepods/shim")
                .setIoUid(1000)
                .setIoGid(1001)
                .addEmptyNamespaces("network")
                .build();
        CreateTaskRequest sent = CreateTaskRequest.newBuilder()
                .setId("web-1")
                .setBundle("/run/containerd/io.containerd.runtime.v2.task/default/web-1")
                .addRootfs(Mount.newBuilder()
                        .setType("overlay").setSource("overlay")
                        .addOptions("lowerdir=/l").addOptions("upperdir=/u").addOptions("workdir=/w"))
                .setStdout("/run/containerd/fifo/1/web-1-stdout")
                .setOptions(ContainerdAny.pack(options))
                .build();

        CreateTaskRequest received = CreateTaskRequest.parseFrom(sent.toByteArray());

        assertThat(received).isEqualTo(sent);
        assertThat(received.getRootfs(0).getOptionsList()).containsExactly("lowerdir=/l", "upperdir=/u", "workdir=/w");
        Any any = received.getOptions();
        assertThat(any.getTypeUrl()).isEqualTo("containerd.linux.runc.CreateOptions");
        assertThat(ContainerdAny.is(any, Options.class)).isFalse();
        assertThat(ContainerdAny.is(any, CreateOptions.class)).isTrue();
        CreateOptions decoded = ContainerdAny.unpack(any, CreateOptions.class);
        assertThat(decoded.getShimCgroup()).isEqualTo("/kubepods/shim");
        assertThat(decoded.getIoUid()).isEqualTo(1000);
        assertThat(decoded.getIoGid()).isEqualTo(1001);
        assertThat(decoded.getNoPivotRoot()).isTrue();
        assertThat(decoded.getEmptyNamespacesList()).containsExactly("network");
    }

    @Test
    void v2AndV3RequestsShareTheirEncoding() throws Exception {
        CreateTaskRequest v2 = CreateTaskRequest.newBuilder()
                .setId("a").setBundle("/b").setOptions(ContainerdAny.pack(Options.newBuilder().setRoot("/r").build()))
                .build();

        io.jshim.api.task.v3.CreateTaskRequest v3 = io.jshim.api.task.v3.CreateTaskRequest.parseFrom(v2.toByteArray());

        assertThat(v3.getId()).isEqualTo("a");
        assertThat(v3.getBundle()).isEqualTo("/b");
        assertThat(ContainerdAny.unpack(v3.getOptions(), Options.class).getRoot()).isEqualTo("/r");
        assertThat(v3.toByteString()).isEqualTo(v2.toByteString());
    }
}
