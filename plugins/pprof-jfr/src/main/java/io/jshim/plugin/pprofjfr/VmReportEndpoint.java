package io.jshim.plugin.pprofjfr;

import static java.util.Objects.requireNonNull;

import java.lang.management.GarbageCollectorMXBean;
import java.lang.management.ManagementFactory;
import java.lang.management.MemoryMXBean;
import java.lang.management.MemoryPoolMXBean;
import java.lang.management.MemoryUsage;
import java.lang.management.RuntimeMXBean;
import java.lang.management.ThreadMXBean;
import java.time.Duration;
import java.time.Instant;

/** {@code /debug/vm}: VM version, uptime, arguments, threads, memory, GC counts and times, memory pools and flags. */
final class VmReportEndpoint implements Endpoint {
    private final DiagnosticCommands commands;

    VmReportEndpoint(DiagnosticCommands commands) {
        this.commands = requireNonNull(commands, "commands is null");
    }

    @Override
    public Reply handle(Query query) throws Exception {
        StringBuilder report = new StringBuilder();
        RuntimeMXBean runtime = ManagementFactory.getRuntimeMXBean();
        line(report, "vm", runtime.getVmName() + " " + runtime.getVmVersion() + " (" + runtime.getVmVendor() + ")");
        line(report, "pid", Long.toString(runtime.getPid()));
        line(report, "started", Instant.ofEpochMilli(runtime.getStartTime()).toString());
        line(report, "uptime", GoDuration.format(Duration.ofMillis(runtime.getUptime())));
        line(report, "arguments", String.join(" ", runtime.getInputArguments()));
        line(report, "processors", Integer.toString(Runtime.getRuntime().availableProcessors()));

        ThreadMXBean threads = ManagementFactory.getThreadMXBean();
        line(report, "platform threads", "live=" + threads.getThreadCount() + " daemon=" + threads.getDaemonThreadCount()
                + " peak=" + threads.getPeakThreadCount() + " started=" + threads.getTotalStartedThreadCount());

        MemoryMXBean memory = ManagementFactory.getMemoryMXBean();
        line(report, "heap", usage(memory.getHeapMemoryUsage()));
        line(report, "non-heap", usage(memory.getNonHeapMemoryUsage()));

        report.append("\ngarbage collectors:\n");
        for (GarbageCollectorMXBean gc : ManagementFactory.getGarbageCollectorMXBeans()) {
            report.append("  ").append(gc.getName()).append(": count=").append(gc.getCollectionCount())
                    .append(" time=").append(GoDuration.format(Duration.ofMillis(Math.max(0, gc.getCollectionTime()))))
                    .append(" pools=").append(String.join(",", gc.getMemoryPoolNames())).append('\n');
        }

        report.append("\nmemory pools:\n");
        for (MemoryPoolMXBean pool : ManagementFactory.getMemoryPoolMXBeans()) {
            report.append("  ").append(pool.getName()).append(" (").append(pool.getType().name()).append("): ")
                    .append(usage(pool.getUsage())).append(" peak-used=").append(pool.getPeakUsage().getUsed())
                    .append('\n');
        }

        report.append("\nflags (set on the command line or by ergonomics):\n");
        for (String flag : commands.run("vmFlags").trim().split("\\s+")) {
            report.append("  ").append(flag).append('\n');
        }
        return Reply.plainText(report.toString());
    }

    private static void line(StringBuilder report, String name, String value) {
        report.append(name).append(": ").append(value).append('\n');
    }

    private static String usage(MemoryUsage usage) {
        return "used=" + usage.getUsed() + " committed=" + usage.getCommitted() + " max=" + (usage.getMax() < 0 ? "undefined" : Long.toString(usage.getMax()));
    }
}
