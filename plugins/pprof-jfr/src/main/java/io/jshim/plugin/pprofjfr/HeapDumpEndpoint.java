package io.jshim.plugin.pprofjfr;

import static java.util.Objects.requireNonNull;

import com.sun.management.HotSpotDiagnosticMXBean;
import java.lang.management.ManagementFactory;
import java.nio.file.Path;

/**
 * {@code /debug/heap/dump}: an hprof heap dump, written into the plugin's state dir, streamed back, then deleted.
 * Only live objects unless {@code ?live=false}.
 */
final class HeapDumpEndpoint implements Endpoint {
    private final ScratchFiles scratch;

    HeapDumpEndpoint(ScratchFiles scratch) {
        this.scratch = requireNonNull(scratch, "scratch is null");
    }

    @Override
    public Reply handle(Query query) throws Exception {
        boolean live = Flags.parse(query, "live", true);
        Path file = scratch.newFile("heap", ".hprof");
        ManagementFactory.getPlatformMXBean(HotSpotDiagnosticMXBean.class).dumpHeap(file.toString(), live);
        return new Reply.TemporaryFile(file, Reply.OCTET_STREAM, file.getFileName().toString());
    }
}
