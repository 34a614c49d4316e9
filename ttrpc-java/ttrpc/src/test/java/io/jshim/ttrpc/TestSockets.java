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

    private static Object fdsQuietly() {
        try {
            return openFds();
        } catch (IOException e) {
            return e.toString();
        }
    }

    static int openFds() throws IOException {
        try (var list = Files.list(Path.of("/proc/self/fd"))) {
            return (int) list.count();
        }
    }

    /**
     * Live platform threads, not counting the carriers of virtual threads (the JDK sizes that pool
     * itself) and JUnit's lazily started timeout watcher.
     */
    static int platformThreads() {
        return platformThreadNames().size();
    }

    static java.util.List<String> platformThreadNames() {
        return Thread.getAllStackTraces().keySet().stream()
                .map(Thread::getName)
                .filter(name -> !name.startsWith("ForkJoinPool") && !name.contains("junit"))
                .sorted()
                .toList();
    }

    /**
     * Counts live threads, virtual ones included, whose name starts with the prefix, from a JSON
     * thread dump written into the directory.
     */
    static long threadsNamed(Path dumpDir, String prefix) throws IOException {
        Path dump = Files.createTempFile(dumpDir, "threads", ".json");
        Files.delete(dump); // the dump refuses to overwrite
        java.lang.management.ManagementFactory.getPlatformMXBean(com.sun.management.HotSpotDiagnosticMXBean.class)
                .dumpThreads(dump.toString(), com.sun.management.HotSpotDiagnosticMXBean.ThreadDumpFormat.JSON);
        try {
            return java.util.regex.Pattern.compile("\"name\": \"" + java.util.regex.Pattern.quote(prefix))
                    .matcher(Files.readString(dump)).results().count();
        } finally {
            Files.delete(dump);
        }
    }

    static void awaitTrue(String what, Duration timeout, BooleanSupplier condition) throws InterruptedException {
        long end = System.nanoTime() + timeout.toNanos();
        while (!condition.getAsBoolean()) {
            if (System.nanoTime() - end > 0) {
                throw new AssertionError("timed out after " + timeout.toMillis() + "ms waiting for " + what
                        + "; threads now: " + platformThreadNames() + " fds now: " + fdsQuietly());
            }
            Thread.sleep(10);
        }
    }
}
