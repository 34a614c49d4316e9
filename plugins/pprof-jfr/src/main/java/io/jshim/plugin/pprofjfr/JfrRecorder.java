package io.jshim.plugin.pprofjfr;

import static java.util.Objects.requireNonNull;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.text.ParseException;
import java.time.Duration;
import java.util.concurrent.locks.Lock;
import java.util.concurrent.locks.ReentrantLock;
import javax.management.JMException;
import jdk.jfr.Configuration;
import jdk.jfr.Recording;
import jdk.jfr.RecordingState;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The one flight recording the debug endpoint manages: started with a duration, stopped early on request, and kept
 * (its data on disk in the JFR repository inside the plugin's state dir) until the next start or until close.
 */
final class JfrRecorder implements AutoCloseable {
    private static final Logger log = LoggerFactory.getLogger(JfrRecorder.class);
    private static final long MAX_RECORDING_BYTES = 512L * 1024 * 1024;

    private final Path repository;
    private final DiagnosticCommands commands;
    private final Lock lock = new ReentrantLock();
    /** The running or last recording; guarded by {@link #lock}. */
    private Recording recording;
    /** The settings {@link #recording} was started with; guarded by {@link #lock}. */
    private JfrSettings settings;
    /** Whether JFR's repository was pointed at {@link #repository}; guarded by {@link #lock}. */
    private boolean repositoryConfigured;

    JfrRecorder(Path repository, DiagnosticCommands commands) {
        this.repository = requireNonNull(repository, "repository is null").toAbsolutePath();
        this.commands = requireNonNull(commands, "commands is null");
    }

    /** What a recording is doing, for the answers of the endpoints. */
    record Status(long id, JfrSettings settings, Duration duration, RecordingState state) {}

    /**
     * Starts a recording that stops by itself after {@code duration}; the previous, stopped recording is discarded.
     *
     * @throws EndpointException (409) while another recording runs
     */
    Status start(JfrSettings requested, Duration duration) throws IOException, ParseException {
        lock.lock();
        try {
            if (recording != null && recording.getState() == RecordingState.RUNNING) {
                throw EndpointException.conflict("recording " + recording.getId()
                        + " is still running: fetch it with /debug/jfr/dump or stop it with /debug/jfr/stop first");
            }
            configureRepository();
            Recording next = new Recording(Configuration.getConfiguration(requested.configurationName()));
            next.setName("jshim-debug-" + requested.configurationName());
            next.setToDisk(true);
            next.setMaxSize(MAX_RECORDING_BYTES);
            next.setDuration(duration);
            next.start();
            if (recording != null) {
                recording.close();
            }
            recording = next;
            settings = requested;
            log.info("started flight recording id={} settings={} duration={}", next.getId(),
                    requested.configurationName(), GoDuration.format(duration));
            return status();
        } finally {
            lock.unlock();
        }
    }

    /**
     * Stops the running recording; its data stays available to {@link #dumpTo}.
     *
     * @throws EndpointException (409) when no recording runs
     */
    Status stop() {
        lock.lock();
        try {
            if (recording == null || recording.getState() != RecordingState.RUNNING) {
                throw EndpointException.conflict("no recording is running: start one with /debug/jfr/start");
            }
            recording.stop();
            log.info("stopped flight recording id={}", recording.getId());
            return status();
        } finally {
            lock.unlock();
        }
    }

    /**
     * Writes the data of the running or last recording to {@code file} (a new file), and says which recording it was.
     *
     * @throws EndpointException (409) when nothing was recorded yet
     */
    Status dumpTo(Path file) throws IOException {
        lock.lock();
        try {
            if (recording == null) {
                throw EndpointException.conflict("nothing recorded yet: start a recording with /debug/jfr/start");
            }
            recording.dump(file);
            return status();
        } finally {
            lock.unlock();
        }
    }

    /** Discards the recording, running or not. */
    @Override
    public void close() {
        lock.lock();
        try {
            if (recording != null) {
                recording.close();
                recording = null;
            }
        } finally {
            lock.unlock();
        }
    }

    private Status status() {
        return new Status(recording.getId(), settings, recording.getDuration(), recording.getState());
    }

    /**
     * Keeps the recording's chunk files in the plugin's state dir, which containerd's cleanup removes with the
     * bundle, instead of JFR's default under /tmp. Best effort: a failure leaves JFR's default.
     */
    private void configureRepository() {
        if (repositoryConfigured) {
            return;
        }
        repositoryConfigured = true;
        try {
            Files.createDirectories(repository);
            commands.run("jfrConfigure", "repositorypath=" + repository);
        } catch (IOException | JMException | RuntimeException e) {
            log.warn("failed to set flight recorder repository path={}: {}; using the JVM's default", repository, e.toString());
        }
    }
}
