// Finding 3 (ttrpc-java server): requests already read into the reader's buffer are dispatched after
// the connection was closed and after shutdown() returned.
// ServerConnection.serve() keeps taking frames from FrameReader's buffer after close() (only a read
// from the closed channel would stop it), and handleRequest() does not check `closed`. A reader that
// waited for a permit (maxConcurrentCallsPerConnection) or was simply behind thus starts handlers once
// the forced shutdown interrupted the running ones. Those with a deadline then fail in Call.run(),
// outside its try block, with RejectedExecutionException from the terminated deadline executor: the
// exception escapes the virtual thread (printed by the default handler), the call is never answered,
// its permit is never released, and the reader thread waits for a permit forever (a leaked thread).
// Expected: no handler starts after shutdown() returns, nothing escapes, no reader left.
// Actual: "escaped ttrpc-call-1-3: RejectedExecutionException", 1 reader thread alive; without the
// deadline (timeout_nano 0) the buffered requests' handlers run after shutdown() returned instead.
//
// Run like BackpressureClosesConnection.java.
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
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;

public class HandlersRunAfterShutdown {

    static final AtomicLong shutdownReturnedAt = new AtomicLong(Long.MAX_VALUE);
    static final AtomicInteger startedAfterShutdown = new AtomicInteger();
    static final AtomicInteger escaped = new AtomicInteger();

    static class Sleeper extends TargetTtrpc.TargetImplBase {
        @Override
        public Empty wait(WaitRequest request) {
            if (System.nanoTime() > shutdownReturnedAt.get()) {
                startedAfterShutdown.incrementAndGet();
            }
            try {
                Thread.sleep(request.getMillis());
            } catch (InterruptedException e) {
                throw Status.CANCELLED.asException(e);
            }
            return Empty.getDefaultInstance();
        }
    }

    public static void main(String[] args) throws Exception {
        Thread.setDefaultUncaughtExceptionHandler((thread, failure) -> {
            escaped.incrementAndGet();
            System.out.println("escaped " + thread.getName() + ": " + failure.getClass().getSimpleName());
        });
        Path socket = Files.createTempDirectory("repro").resolve("s.sock");
        TtrpcServer server = TtrpcServer.builder().addService(new Sleeper()).maxConcurrentCallsPerConnection(1)
                .readTimeout(Duration.ofSeconds(30)).build();
        server.serve(socket);
        ByteArrayOutputStream frames = new ByteArrayOutputStream();
        for (int stream = 1; stream <= 19; stream += 2) {
            // with a deadline (0 would skip the timer): 10 calls of 1 s, 10 s deadline each
            byte[] request = Request.newBuilder().setService(TargetTtrpc.SERVICE_NAME).setMethod("Wait")
                    .setTimeoutNano(10_000_000_000L)
                    .setPayload(WaitRequest.newBuilder().setMillis(1000).build().toByteString()).build().toByteArray();
            frames.write(ByteBuffer.allocate(10).putInt(request.length).putInt(stream).put((byte) 1).put((byte) 0).array());
            frames.write(request);
        }
        try (SocketChannel channel = SocketChannel.open(StandardProtocolFamily.UNIX)) {
            channel.connect(UnixDomainSocketAddress.of(socket));
            channel.write(ByteBuffer.wrap(frames.toByteArray()));
            Thread.sleep(300);
            boolean graceful = server.shutdown(Duration.ofMillis(100));
            shutdownReturnedAt.set(System.nanoTime());
            System.out.println("shutdown returned graceful=" + graceful);
            Thread.sleep(3000);
        }
        Path dump = Files.createTempDirectory("dump").resolve("threads.json");
        java.lang.management.ManagementFactory.getPlatformMXBean(com.sun.management.HotSpotDiagnosticMXBean.class)
                .dumpThreads(dump.toString(), com.sun.management.HotSpotDiagnosticMXBean.ThreadDumpFormat.JSON);
        long readers = java.util.regex.Pattern.compile("\"name\": \"ttrpc-conn-").matcher(Files.readString(dump)).results().count();
        System.out.println("handlers started after shutdown returned: " + startedAfterShutdown.get()
                + ", exceptions escaped: " + escaped.get() + ", connection reader threads still alive 3 s later: " + readers);
    }
}
