package io.jshim.ttrpc;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.function.BooleanSupplier;

/** Helpers for tests over real Unix sockets. */
final class TestSockets {

    private TestSockets() {
    }

    static int openFds() throws IOException {
        try (var list = Files.list(Path.of("/proc/self/fd"))) {
            return (int) list.count();
        }
    }

    static int platformThreads() {
        return Thread.getAllStackTraces().size();
    }

    static void awaitTrue(String what, Duration timeout, BooleanSupplier condition) throws InterruptedException {
        long end = System.nanoTime() + timeout.toNanos();
        while (!condition.getAsBoolean()) {
            if (System.nanoTime() - end > 0) {
                throw new AssertionError("timed out after " + timeout.toMillis() + "ms waiting for " + what);
            }
            Thread.sleep(10);
        }
    }
}
