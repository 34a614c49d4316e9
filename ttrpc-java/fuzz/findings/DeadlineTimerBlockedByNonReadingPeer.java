// Finding 2 (ttrpc-java server): one peer that does not read delays every client's deadline.
// Deadlines of all connections are enforced by one ScheduledThreadPoolExecutor thread
// ("ttrpc-deadlines"), and its task (ServerConnection.Call.expire -> finish -> send) writes the
// DEADLINE_EXCEEDED reply itself. When that write blocks on a peer whose socket buffer is full, the
// thread is stuck until the watchdog closes that peer (writeTimeout, 10 s by default), and no other
// deadline fires meanwhile. Here peer A sends 20 000 calls with a 1 ms deadline and never reads;
// client B then sends a call with a 100 ms deadline to a 3 s handler.
// Expected: B gets DEADLINE_EXCEEDED after ~100 ms. Actual (writeTimeout 5 s): B gets OK after ~3.1 s
// (the handler finished before the deadline fired); with writeTimeout 1 s, DEADLINE_EXCEEDED after ~310 ms.
// Fix idea: let the timer only start the expiry on a virtual thread, never write on it.
//
// Run like BackpressureClosesConnection.java, with the write timeout in seconds as argument (default 5).
import com.google.protobuf.Empty;
import io.jshim.ttrpc.Status;
import io.jshim.ttrpc.TtrpcServer;
import io.jshim.ttrpc.fuzz.v1.TargetTtrpc;
import io.jshim.ttrpc.fuzz.v1.WaitRequest;
import io.jshim.ttrpc.proto.Request;
import io.jshim.ttrpc.proto.Response;
import java.io.ByteArrayOutputStream;
import java.io.EOFException;
import java.io.IOException;
import java.net.StandardProtocolFamily;
import java.net.UnixDomainSocketAddress;
import java.nio.ByteBuffer;
import java.nio.channels.SocketChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;

public class DeadlineTimerBlockedByNonReadingPeer {

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

    static byte[] frame(int stream, long timeoutNanos, int sleepMillis) {
        byte[] request = Request.newBuilder().setService(TargetTtrpc.SERVICE_NAME).setMethod("Wait").setTimeoutNano(timeoutNanos)
                .setPayload(WaitRequest.newBuilder().setMillis(sleepMillis).build().toByteString()).build().toByteArray();
        return ByteBuffer.allocate(10 + request.length).putInt(request.length).putInt(stream).put((byte) 1).put((byte) 0)
                .put(request).array();
    }

    public static void main(String[] args) throws Exception {
        int writeTimeoutSeconds = args.length > 0 ? Integer.parseInt(args[0]) : 5;
        Path socket = Files.createTempDirectory("repro").resolve("s.sock");
        TtrpcServer server = TtrpcServer.builder().addService(new Sleeper())
                .writeTimeout(Duration.ofSeconds(writeTimeoutSeconds)).build();
        server.serve(socket);

        ByteArrayOutputStream flood = new ByteArrayOutputStream();
        for (int stream = 1; stream < 40_000; stream += 2) {
            flood.write(frame(stream, 1_000_000, 5));
        }
        SocketChannel peerA = SocketChannel.open(StandardProtocolFamily.UNIX);
        peerA.connect(UnixDomainSocketAddress.of(socket));
        Thread.ofVirtual().start(() -> {
            try {
                peerA.write(ByteBuffer.wrap(flood.toByteArray())); // and never read
            } catch (IOException e) {
                // closed by the server
            }
        });
        Thread.sleep(1500);

        try (SocketChannel clientB = SocketChannel.open(StandardProtocolFamily.UNIX)) {
            clientB.connect(UnixDomainSocketAddress.of(socket));
            long start = System.nanoTime();
            clientB.write(ByteBuffer.wrap(frame(1, 100_000_000, 3000)));
            ByteBuffer header = ByteBuffer.allocate(10);
            while (header.hasRemaining()) {
                if (clientB.read(header) < 0) {
                    throw new EOFException();
                }
            }
            ByteBuffer data = ByteBuffer.allocate(header.flip().getInt());
            while (data.hasRemaining()) {
                if (clientB.read(data) < 0) {
                    throw new EOFException();
                }
            }
            var status = Response.parseFrom(data.array()).getStatus();
            System.out.println("client B (deadline 100 ms): code " + status.getCode() + " \"" + status.getMessage() + "\" after "
                    + (System.nanoTime() - start) / 1_000_000 + " ms");
        }
        peerA.close();
        server.shutdown(Duration.ofSeconds(2));
    }
}
