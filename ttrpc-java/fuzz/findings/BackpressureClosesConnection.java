// Finding 1 (ttrpc-java server): backpressure is taken for a stalled peer.
// With maxConcurrentCallsPerConnection reached and further complete frames already read into the
// reader's buffer, FrameReader.partialSince() is non-zero while the reader waits for a permit, so the
// watchdog closes the connection after readTimeout ("partial frame stalled") and the replies of the
// running calls are lost. README promises backpressure (the reader stops reading), not a close.
// Expected: three replies after ~3 s. Actual: connection closed after ~300-500 ms, 0 bytes received.
//
// Run (after `mvn -pl ttrpc-java/fuzz test-compile` and
// `mvn -pl ttrpc-java/fuzz dependency:build-classpath -Dmdep.outputFile=/tmp/cp.txt -Dmdep.includeScope=test`):
//   java -cp ttrpc-java/fuzz/target/test-classes:$(cat /tmp/cp.txt) ttrpc-java/fuzz/findings/BackpressureClosesConnection.java
import com.google.protobuf.Empty;
import io.jshim.ttrpc.Status;
import io.jshim.ttrpc.TtrpcServer;
import io.jshim.ttrpc.fuzz.v1.TargetTtrpc;
import io.jshim.ttrpc.fuzz.v1.WaitRequest;
import io.jshim.ttrpc.proto.Request;
import java.io.ByteArrayOutputStream;
import java.net.StandardProtocolFamily;
import java.net.UnixDomainSocketAddress;
import java.nio.ByteBuffer;
import java.nio.channels.SocketChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;

public class BackpressureClosesConnection {

    static class Sleeper extends TargetTtrpc.TargetImplBase {
        @Override
        public Empty wait(WaitRequest request) {
            try {
                Thread.sleep(request.getMillis());
            } catch (InterruptedException e) {
                throw Status.CANCELLED.asException(e);
            }
            return Empty.getDefaultInstance();
        }
    }

    public static void main(String[] args) throws Exception {
        Path socket = Files.createTempDirectory("repro").resolve("s.sock");
        TtrpcServer server = TtrpcServer.builder().addService(new Sleeper())
                .maxConcurrentCallsPerConnection(1).readTimeout(Duration.ofMillis(300)).build();
        server.serve(socket);
        byte[] request = Request.newBuilder().setService(TargetTtrpc.SERVICE_NAME).setMethod("Wait")
                .setPayload(WaitRequest.newBuilder().setMillis(1000).build().toByteString()).build().toByteArray();
        ByteArrayOutputStream frames = new ByteArrayOutputStream();
        for (int stream = 1; stream <= 5; stream += 2) {
            frames.write(ByteBuffer.allocate(10).putInt(request.length).putInt(stream).put((byte) 1).put((byte) 0).array());
            frames.write(request);
        }
        try (SocketChannel channel = SocketChannel.open(StandardProtocolFamily.UNIX)) {
            channel.connect(UnixDomainSocketAddress.of(socket));
            channel.write(ByteBuffer.wrap(frames.toByteArray())); // three complete requests in one write
            long start = System.nanoTime();
            ByteBuffer in = ByteBuffer.allocate(4096);
            while (in.position() < 3 * 14) {
                if (channel.read(in) < 0) {
                    System.out.println("BUG: server closed the connection after " + (System.nanoTime() - start) / 1_000_000
                            + " ms with " + in.position() + " bytes of replies");
                    break;
                }
            }
            if (in.position() >= 3 * 14) {
                System.out.println("ok: three replies after " + (System.nanoTime() - start) / 1_000_000 + " ms");
            }
        }
        server.shutdown(Duration.ofSeconds(2));
    }
}
