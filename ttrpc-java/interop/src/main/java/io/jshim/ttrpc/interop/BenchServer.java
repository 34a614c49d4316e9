package io.jshim.ttrpc.interop;

import io.jshim.ttrpc.TtrpcServer;
import java.nio.file.Path;
import java.time.Duration;
import java.util.concurrent.CountDownLatch;

/**
 * Serves {@link InteropService} on a Unix socket for the benchmark ({@code bench.sh}); stops on
 * SIGTERM.
 */
public final class BenchServer {

    private BenchServer() {
    }

    /**
     * @param args the socket path
     * @throws Exception when the server cannot start
     */
    public static void main(String[] args) throws Exception {
        if (args.length != 1) {
            System.err.println("usage: BenchServer <socket>");
            System.exit(2);
        }
        TtrpcServer server = TtrpcServer.builder().addService(new InteropService()).build();
        server.serve(Path.of(args[0]));
        CountDownLatch stopped = new CountDownLatch(1);
        Runtime.getRuntime().addShutdownHook(new Thread(() -> {
            server.shutdown(Duration.ofSeconds(2));
            stopped.countDown();
        }));
        System.out.println("listening " + args[0]);
        stopped.await();
    }
}
