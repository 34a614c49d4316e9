package io.jshim.plugin.taskrunc;

import io.jshim.framework.plugin.Managed;
import io.jshim.plugin.taskrunc.process.Exit;
import io.jshim.plugin.taskrunc.process.ExitTracker;
import io.jshim.posix.ProcessReaper;

import java.time.Instant;
import java.util.Objects;

/** Feeds every exit the framework's reaper sees into the task plugin's {@link ExitTracker}. */
final class ExitSubscription implements Managed {
    private final ProcessReaper reaper;
    private final ExitTracker tracker;
    /** Set by start, cleared by close (framework lifecycle thread only). */
    private AutoCloseable subscription;

    ExitSubscription(ProcessReaper reaper, ExitTracker tracker) {
        this.reaper = Objects.requireNonNull(reaper, "reaper is null");
        this.tracker = Objects.requireNonNull(tracker, "tracker is null");
    }

    @Override
    public void start() {
        subscription = reaper.subscribe(s -> tracker.onExit(new Exit(s.pid(), s.exitCode(), Instant.now())));
    }

    @Override
    public void close() throws Exception {
        if (subscription != null) {
            subscription.close();
            subscription = null;
        }
    }
}
