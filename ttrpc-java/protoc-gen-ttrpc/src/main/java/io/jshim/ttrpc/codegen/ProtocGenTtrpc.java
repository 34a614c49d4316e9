package io.jshim.ttrpc.codegen;

import com.google.protobuf.compiler.PluginProtos.CodeGeneratorRequest;
import com.google.protobuf.compiler.PluginProtos.CodeGeneratorResponse;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;

/**
 * The protoc plugin entry point: reads a {@code CodeGeneratorRequest} from stdin and writes a
 * {@code CodeGeneratorResponse} with one {@code FooTtrpc.java} per service {@code Foo} of the files
 * to generate.
 */
public final class ProtocGenTtrpc {

    private ProtocGenTtrpc() {
    }

    /**
     * @param args ignored (protoc passes parameters inside the request)
     * @throws IOException when stdin or stdout fail
     */
    public static void main(String[] args) throws IOException {
        CodeGeneratorResponse response = run(System.in);
        OutputStream out = System.out;
        response.writeTo(out);
        out.flush();
    }

    /**
     * @param in a serialized {@code CodeGeneratorRequest}
     * @return the response, with an error message instead of files when generation failed
     * @throws IOException when the request cannot be read
     */
    public static CodeGeneratorResponse run(InputStream in) throws IOException {
        CodeGeneratorRequest request = CodeGeneratorRequest.parseFrom(in);
        return generate(request);
    }

    /**
     * @param request what protoc asks for
     * @return the generated files, or an error
     */
    public static CodeGeneratorResponse generate(CodeGeneratorRequest request) {
        try {
            return new TtrpcGenerator(JavaTypeNames.of(request.getProtoFileList())).generate(request);
        } catch (IllegalArgumentException e) {
            return CodeGeneratorResponse.newBuilder().setError("protoc-gen-ttrpc: " + e.getMessage()).build();
        }
    }
}
