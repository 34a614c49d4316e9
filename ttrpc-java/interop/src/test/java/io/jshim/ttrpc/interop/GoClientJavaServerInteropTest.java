package io.jshim.ttrpc.interop;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.google.protobuf.ByteString;
import io.jshim.ttrpc.Metadata;
import io.jshim.ttrpc.Status;
import io.jshim.ttrpc.TtrpcClient;
import io.jshim.ttrpc.TtrpcException;
import io.jshim.ttrpc.TtrpcServer;
import io.jshim.ttrpc.interop.v1.EchoRequest;
import io.jshim.ttrpc.interop.v1.EchoResponse;
import io.jshim.ttrpc.interop.v1.InteropTtrpc;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/** The reference Go client (containerd/ttrpc, Debian's build) against the Java server. */
@Timeout(value = 5, unit = TimeUnit.MINUTES)
class GoClientJavaServerInteropTest {

    private static final int MAX = 4 << 20;
    private static Path goProgram;

    @TempDir
    static Path dir;

    @BeforeAll
    static void buildGoProgram() throws Exception {
        goProgram = GoInteropProgram.build();
    }

    @Test
    void goClientAgainstJavaServer() throws Exception {
        Path socket = dir.resolve("java-server.sock");
        try (TtrpcServer server = TtrpcServer.builder().addService(new InteropService()).build()) {
            server.serve(socket);
            Process client = new ProcessBuilder(goProgram.toString(), "client", socket.toString()).redirectErrorStream(true).start();
            String output = new String(client.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
            assertThat(client.waitFor(2, TimeUnit.MINUTES)).as("Go client finished").isTrue();
            assertThat(output).as("Go client output").doesNotContain("FAIL")
                    .contains("PASS unary-metadata", "PASS deadline-exceeded", "PASS error-status", "PASS error-unknown",
                            "PASS unimplemented", "PASS request-over-4MiB", "PASS response-over-4MiB", "PASS just-under-4MiB",
                            "PASS concurrent-100");
            assertThat(client.exitValue()).as("Go client exit code; output:\n" + output).isZero();
        }
    }
}
