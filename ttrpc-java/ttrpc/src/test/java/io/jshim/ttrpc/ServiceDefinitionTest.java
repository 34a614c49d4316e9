package io.jshim.ttrpc;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.jshim.ttrpc.test.v1.EchoRequest;
import io.jshim.ttrpc.test.v1.EchoResponse;
import io.jshim.ttrpc.test.v1.EchoTtrpc;
import java.nio.file.Path;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

@Timeout(value = 30, unit = TimeUnit.SECONDS)
class ServiceDefinitionTest {

    private static final String RENAMED = "ttrpc.test.v2.Echo";

    @TempDir
    Path dir;

    @Test
    void renamedKeepsMethodsInOrderUnderTheNewNameAndLeavesTheOriginalAlone() {
        ServiceDefinition original = new EchoService().bindService();

        ServiceDefinition renamed = original.renamed(RENAMED);

        assertThat(renamed.name()).isEqualTo(RENAMED);
        assertThat(renamed.methodNames()).containsExactly("Echo", "CloseIO", "Unimplemented");
        assertThat(renamed.method("Echo").descriptor().fullMethodName()).isEqualTo(RENAMED + "/Echo");
        assertThat(original.name()).isEqualTo(EchoTtrpc.SERVICE_NAME);
        assertThat(original.method("Echo").descriptor().fullMethodName()).isEqualTo(EchoTtrpc.SERVICE_NAME + "/Echo");
    }

    @Test
    void renamedRejectsInvalidNames() {
        ServiceDefinition original = new EchoService().bindService();

        assertThatThrownBy(() -> original.renamed("")).isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> original.renamed("a/b")).isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("a/b");
        assertThatThrownBy(() -> original.renamed(null)).isInstanceOf(NullPointerException.class);
    }

    @Test
    void oneImplementationServesBothNamesOverTheWire() throws Exception {
        EchoService service = new EchoService();
        ServiceDefinition definition = service.bindService();
        Path socket = dir.resolve("ttrpc.sock");
        var echoUnderNewName = MethodDescriptor.create(RENAMED, "Echo", EchoRequest.parser(), EchoResponse.parser());
        var notImplementedAnywhere = MethodDescriptor.create("ttrpc.test.v3.Echo", "Echo", EchoRequest.parser(),
                EchoResponse.parser());

        try (TtrpcServer server = TtrpcServer.builder().addService(() -> definition)
                .addService(() -> definition.renamed(RENAMED)).build()) {
            server.serve(socket);
            try (TtrpcClient client = TtrpcClient.connect(socket)) {
                EchoRequest request = EchoRequest.newBuilder().setText("twice").build();

                assertThat(EchoTtrpc.newBlockingStub(client).echo(request).getText()).isEqualTo("twice");
                assertThat(client.call(echoUnderNewName, request).getText()).isEqualTo("twice");
                assertThatThrownBy(() -> client.call(notImplementedAnywhere, request))
                        .isInstanceOfSatisfying(TtrpcException.class,
                                e -> assertThat(e.status().code()).isEqualTo(Status.Code.UNIMPLEMENTED));
            }
        }
    }
}
