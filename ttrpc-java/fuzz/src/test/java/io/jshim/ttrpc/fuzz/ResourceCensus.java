package io.jshim.ttrpc.fuzz;

import com.sun.management.HotSpotDiagnosticMXBean;
import java.io.IOException;
import java.lang.management.ManagementFactory;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * What the process holds, to tell a leak from noise: open file descriptors, platform threads (without
 * the virtual-thread carriers, which the JDK sizes itself, and JUnit's timeout watcher) and the
 * server's virtual threads, counted from a JSON thread dump by name prefix ({@code ttrpc-conn},
 * {@code ttrpc-call}).
 */
record ResourceCensus(int fds, List<String> platformThreads, Map<String, Integer> serverVirtualThreads) {

    private static final Pattern SERVER_THREAD = Pattern.compile("\"name\": \"(ttrpc-(?:conn|call))-");

    static ResourceCensus take(Path scratchDir) throws IOException {
        return new ResourceCensus(openFds(), platformThreadNames(), serverVirtualThreads(scratchDir));
    }

    static int openFds() throws IOException {
        try (var list = Files.list(Path.of("/proc/self/fd"))) {
            return (int) list.count();
        }
    }

    static List<String> platformThreadNames() {
        return Thread.getAllStackTraces().keySet().stream()
                .filter(t -> !t.isVirtual())
                .map(Thread::getName)
                .filter(name -> !name.startsWith("ForkJoinPool") && !name.contains("junit"))
                .sorted()
                .toList();
    }

    /** Counts live virtual threads of the server by kind; needs the JDK's default thread tracking. */
    static Map<String, Integer> serverVirtualThreads(Path scratchDir) throws IOException {
        Path dump = scratchDir.resolve("threads-" + System.nanoTime() + ".json");
        try {
            ManagementFactory.getPlatformMXBean(HotSpotDiagnosticMXBean.class)
                    .dumpThreads(dump.toString(), HotSpotDiagnosticMXBean.ThreadDumpFormat.JSON);
            Matcher m = SERVER_THREAD.matcher(Files.readString(dump));
            Map<String, Integer> counts = new TreeMap<>();
            while (m.find()) {
                counts.merge(m.group(1), 1, Integer::sum);
            }
            return counts;
        } finally {
            Files.deleteIfExists(dump);
        }
    }

    /** @return the counts, for logs */
    String summary() {
        return "fds=" + fds + " platformThreads=" + platformThreads.size() + " serverVirtualThreads=" + serverVirtualThreads;
    }

    /** @return true when nothing is held beyond the baseline */
    boolean withinBaseline(ResourceCensus baseline) {
        return fds <= baseline.fds
                && platformThreads.size() <= baseline.platformThreads.size()
                && serverVirtualThreads.isEmpty();
    }
}
