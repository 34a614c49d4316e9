package io.jshim.example.notes;

import static java.util.Objects.requireNonNull;

import com.google.inject.Inject;
import io.jshim.example.notes.v1.MethodStats;
import io.jshim.framework.plugin.Managed;
import io.jshim.framework.plugin.ShutdownService;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.stream.Collectors;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * When the shim shuts down, writes the call metrics to {@code metrics.txt} in the plugin's state dir and
 * logs them: a callback registered on the injected {@link ShutdownService} when the plugin starts.
 */
final class MetricsReport implements Managed {
    /** The report's file name in the state dir. */
    static final String FILE = "metrics.txt";
    private static final Logger log = LoggerFactory.getLogger(MetricsReport.class);

    private final CallMetrics metrics;
    private final ShutdownService shutdown;
    private final Path stateDir;

    @Inject
    MetricsReport(CallMetrics metrics, ShutdownService shutdown, @StateDir Path stateDir) {
        this.metrics = requireNonNull(metrics, "metrics is null");
        this.shutdown = requireNonNull(shutdown, "shutdown is null");
        this.stateDir = requireNonNull(stateDir, "stateDir is null");
    }

    @Override
    public void start() {
        shutdown.register(this::write);
    }

    @Override
    public void close() {
        // the report is written by the shutdown callback; nothing is held
    }

    private void write() throws IOException {
        String report = metrics.snapshot().stream().map(MetricsReport::line).collect(Collectors.joining("\n", "", "\n"));
        Files.writeString(stateDir.resolve(FILE), report);
        log.atInfo().addKeyValue("path", stateDir.resolve(FILE)).addKeyValue("methods", metrics.snapshot().size())
                .log("wrote ttrpc call metrics");
    }

    private static String line(MethodStats stats) {
        return "method=" + stats.getMethod() + " calls=" + stats.getCalls() + " errors=" + stats.getErrors()
                + " total_micros=" + stats.getTotalMicros() + " max_micros=" + stats.getMaxMicros();
    }
}
