package io.jshim.ttrpc.codegen;

import static org.assertj.core.api.Assertions.assertThat;

import com.google.protobuf.DescriptorProtos.DescriptorProto;
import com.google.protobuf.DescriptorProtos.FileDescriptorProto;
import com.google.protobuf.DescriptorProtos.FileOptions;
import com.google.protobuf.DescriptorProtos.MethodDescriptorProto;
import com.google.protobuf.DescriptorProtos.ServiceDescriptorProto;
import com.google.protobuf.compiler.PluginProtos.CodeGeneratorRequest;
import com.google.protobuf.compiler.PluginProtos.CodeGeneratorResponse;
import java.io.ByteArrayInputStream;
import org.junit.jupiter.api.Test;

class TtrpcGeneratorTest {

    private static MethodDescriptorProto method(String name, String in, String out) {
        return MethodDescriptorProto.newBuilder().setName(name).setInputType(in).setOutputType(out).build();
    }

    private static FileDescriptorProto taskFile(boolean multipleFiles) {
        FileOptions.Builder options = FileOptions.newBuilder().setJavaPackage("io.jshim.api.task.v2");
        if (multipleFiles) {
            options.setJavaMultipleFiles(true);
        }
        return FileDescriptorProto.newBuilder()
                .setName("containerd/runtime/v2/task/shim.proto")
                .setPackage("containerd.task.v2")
                .setOptions(options)
                .addMessageType(DescriptorProto.newBuilder().setName("CreateTaskRequest")
                        .addNestedType(DescriptorProto.newBuilder().setName("Inner")))
                .addMessageType(DescriptorProto.newBuilder().setName("CreateTaskResponse"))
                .addService(ServiceDescriptorProto.newBuilder().setName("Task")
                        .addMethod(method("Create", ".containerd.task.v2.CreateTaskRequest", ".containerd.task.v2.CreateTaskResponse"))
                        .addMethod(method("CloseIO", ".containerd.task.v2.CreateTaskRequest.Inner", ".google.protobuf.Empty"))
                        .addMethod(method("Wait", ".containerd.task.v2.CreateTaskRequest", ".google.protobuf.Empty")))
                .build();
    }

    private static FileDescriptorProto emptyFile() {
        return FileDescriptorProto.newBuilder().setName("google/protobuf/empty.proto").setPackage("google.protobuf")
                .setOptions(FileOptions.newBuilder().setJavaPackage("com.google.protobuf").setJavaMultipleFiles(true))
                .addMessageType(DescriptorProto.newBuilder().setName("Empty")).build();
    }

    private static CodeGeneratorResponse generate(FileDescriptorProto file) throws Exception {
        CodeGeneratorRequest request = CodeGeneratorRequest.newBuilder()
                .addFileToGenerate(file.getName())
                .addProtoFile(emptyFile())
                .addProtoFile(file)
                .build();
        return ProtocGenTtrpc.run(new ByteArrayInputStream(request.toByteArray()));
    }

    @Test
    void generatesOneClassPerServiceWithConstantsImplBaseAndStub() throws Exception {
        CodeGeneratorResponse response = generate(taskFile(true));

        assertThat(response.hasError()).isFalse();
        assertThat(response.getFileList()).hasSize(1);
        CodeGeneratorResponse.File file = response.getFile(0);
        assertThat(file.getName()).isEqualTo("io/jshim/api/task/v2/TaskTtrpc.java");
        assertThat(file.getContent())
                .contains("package io.jshim.api.task.v2;")
                .contains("public static final String SERVICE_NAME = \"containerd.task.v2.Task\";")
                .contains("MethodDescriptor<io.jshim.api.task.v2.CreateTaskRequest, io.jshim.api.task.v2.CreateTaskResponse> METHOD_CREATE")
                .contains("METHOD_CLOSE_IO")
                .contains("public com.google.protobuf.Empty closeIO(io.jshim.api.task.v2.CreateTaskRequest.Inner request)")
                .contains("public com.google.protobuf.Empty wait(io.jshim.api.task.v2.CreateTaskRequest request)")
                .contains("public abstract static class TaskImplBase implements io.jshim.ttrpc.BindableService")
                .contains("method containerd.task.v2.Task/Create is not implemented")
                .contains("public static TaskBlockingStub newBlockingStub(io.jshim.ttrpc.TtrpcClient client)")
                .contains("public TaskBlockingStub withDeadline(java.time.Duration timeout)")
                .contains("public TaskBlockingStub withMetadata(io.jshim.ttrpc.Metadata metadata)");
    }

    @Test
    void messagesOfSingleFileProtosLiveInTheOuterClass() throws Exception {
        CodeGeneratorResponse response = generate(taskFile(false));

        assertThat(response.getFile(0).getContent()).contains("io.jshim.api.task.v2.Shim.CreateTaskRequest.Inner");
    }

    @Test
    void outerClassNameFollowsProtocRules() {
        assertThat(JavaTypeNames.outerClassName(FileDescriptorProto.newBuilder().setName("a/b/my_file-v2.proto").build()))
                .isEqualTo("MyFileV2");
        assertThat(JavaTypeNames.outerClassName(FileDescriptorProto.newBuilder().setName("echo.proto")
                .addMessageType(DescriptorProto.newBuilder().setName("Echo")).build())).isEqualTo("EchoOuterClass");
    }

    @Test
    void constantAndMethodNames() {
        assertThat(TtrpcGenerator.constantName(method("CloseIO", "", ""))).isEqualTo("METHOD_CLOSE_IO");
        assertThat(TtrpcGenerator.constantName(method("HTTPRequest", "", ""))).isEqualTo("METHOD_HTTP_REQUEST");
        assertThat(TtrpcGenerator.constantName(method("ResizePty", "", ""))).isEqualTo("METHOD_RESIZE_PTY");
        assertThat(TtrpcGenerator.javaMethodName(method("Delete", "", ""))).isEqualTo("delete");
        assertThat(TtrpcGenerator.javaMethodName(method("New", "", ""))).isEqualTo("new_");
        assertThat(TtrpcGenerator.javaMethodName(method("do_thing", "", ""))).isEqualTo("doThing");
    }

    @Test
    void streamingMethodsGetStreamHandlersAndClientStreams() throws Exception {
        FileDescriptorProto file = taskFile(true).toBuilder()
                .setService(0, taskFile(true).getService(0).toBuilder()
                        .addMethod(method("Events", ".containerd.task.v2.CreateTaskRequest", ".google.protobuf.Empty").toBuilder()
                                .setServerStreaming(true))
                        .addMethod(method("Upload", ".containerd.task.v2.CreateTaskRequest", ".google.protobuf.Empty").toBuilder()
                                .setClientStreaming(true))
                        .addMethod(method("Chat", ".containerd.task.v2.CreateTaskRequest", ".google.protobuf.Empty").toBuilder()
                                .setClientStreaming(true).setServerStreaming(true)))
                .build();

        CodeGeneratorResponse response = generate(file);

        assertThat(response.hasError()).isFalse();
        String req = "io.jshim.api.task.v2.CreateTaskRequest";
        String stream = "io.jshim.ttrpc.ClientStream<" + req + ", com.google.protobuf.Empty>";
        assertThat(response.getFile(0).getContent())
                .contains("io.jshim.ttrpc.MethodDescriptor.create(SERVICE_NAME, \"Events\", io.jshim.ttrpc.MethodDescriptor.Type.SERVER_STREAMING, ")
                .contains("io.jshim.ttrpc.MethodDescriptor.create(SERVICE_NAME, \"Upload\", io.jshim.ttrpc.MethodDescriptor.Type.CLIENT_STREAMING, ")
                .contains("io.jshim.ttrpc.MethodDescriptor.create(SERVICE_NAME, \"Chat\", io.jshim.ttrpc.MethodDescriptor.Type.BIDI_STREAMING, ")
                .contains("io.jshim.ttrpc.MethodDescriptor.create(SERVICE_NAME, \"Create\", " + req + ".parser()")
                .contains("public com.google.protobuf.Empty events(io.jshim.ttrpc.ServerStream<" + req + ", com.google.protobuf.Empty> stream)")
                .contains("method containerd.task.v2.Task/Events is not implemented")
                .contains(".addStreamingMethod(METHOD_EVENTS, this::events)")
                .contains(".addStreamingMethod(METHOD_CHAT, this::chat)")
                .contains(".addMethod(METHOD_CREATE, this::create)")
                .contains("public " + stream + " events(" + req + " request)")
                .contains("public " + stream + " upload()")
                .contains("public " + stream + " chat()")
                .contains("stream.send(request);");
    }
}
