package io.jshim.plugin.pprofjfr;

import static java.util.Objects.requireNonNull;

import com.sun.management.HotSpotDiagnosticMXBean;
import com.sun.management.HotSpotDiagnosticMXBean.ThreadDumpFormat;
import java.lang.management.ManagementFactory;
import java.nio.file.Path;

/** {@code /debug/threads}: every thread, virtual threads included, like Go's goroutine dump. */
final class ThreadDumpEndpoint implements Endpoint {
    private final ScratchFiles scratch;

    ThreadDumpEndpoint(ScratchFiles scratch) {
        this.scratch = requireNonNull(scratch, "scratch is null");
    }

    @Override
    public Reply handle(Query query) throws Exception {
        Path file = scratch.newFile("threads", ".txt");
        ManagementFactory.getPlatformMXBean(HotSpotDiagnosticMXBean.class)
                .dumpThreads(file.toString(), ThreadDumpFormat.TEXT_PLAIN);
        return new Reply.TemporaryFile(file, Reply.PLAIN_TEXT, file.getFileName().toString());
    }
}
