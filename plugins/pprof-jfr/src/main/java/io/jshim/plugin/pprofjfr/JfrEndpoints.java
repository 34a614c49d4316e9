package io.jshim.plugin.pprofjfr;

import static java.util.Objects.requireNonNull;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;

/** {@code /debug/jfr/start}, {@code /debug/jfr/stop} and {@code /debug/jfr/dump} over one {@link JfrRecorder}. */
final class JfrEndpoints {
    static final Duration MIN_DURATION = Duration.ofSeconds(1);
    static final Duration MAX_DURATION = Duration.ofHours(1);
    static final String DEFAULT_DURATION = "30s";

    private final JfrRecorder recorder;
    private final ScratchFiles scratch;

    JfrEndpoints(JfrRecorder recorder, ScratchFiles scratch) {
        this.recorder = requireNonNull(recorder, "recorder is null");
        this.scratch = requireNonNull(scratch, "scratch is null");
    }

    /** {@code ?settings=default|profile&duration=30s}: starts a recording that stops by itself after the duration. */
    Endpoint start() {
        return query -> {
            JfrSettings settings = JfrSettings.named(query.get("settings", JfrSettings.DEFAULT.configurationName()));
            Duration duration = duration(query.get("duration", DEFAULT_DURATION));
            JfrRecorder.Status status = recorder.start(settings, duration);
            return Reply.plainText("started recording " + status.id() + " settings=" + settings.configurationName()
                    + " duration=" + GoDuration.format(duration)
                    + "\nfetch it with /debug/jfr/dump (while running or after), stop it early with /debug/jfr/stop\n");
        };
    }

    /** Stops the running recording early; its data stays available to dump. */
    Endpoint stop() {
        return query -> {
            JfrRecorder.Status status = recorder.stop();
            return Reply.plainText("stopped recording " + status.id() + "\nfetch it with /debug/jfr/dump\n");
        };
    }

    /** The {@code .jfr} file of the running or last recording. */
    Endpoint dump() {
        return query -> {
            Path file = scratch.newFile("recording", ".jfr");
            JfrRecorder.Status status;
            try {
                status = recorder.dumpTo(file);
            } catch (Exception e) {
                Files.deleteIfExists(file);
                throw e;
            }
            return new Reply.TemporaryFile(file, Reply.OCTET_STREAM,
                    "jshim-" + ProcessHandle.current().pid() + "-recording-" + status.id() + ".jfr");
        };
    }

    private static Duration duration(String text) {
        Duration duration;
        try {
            duration = GoDuration.parse(text);
        } catch (IllegalArgumentException e) {
            throw invalidDuration(text);
        }
        if (duration.compareTo(MIN_DURATION) < 0 || duration.compareTo(MAX_DURATION) > 0) {
            throw invalidDuration(text);
        }
        return duration;
    }

    private static EndpointException invalidDuration(String text) {
        return EndpointException.badRequest("invalid duration \"" + text + "\": allowed are Go-style durations"
                + " such as 30s, 5m or 1m30s (units h, m, s, ms) from " + GoDuration.format(MIN_DURATION)
                + " to " + GoDuration.format(MAX_DURATION));
    }
}
