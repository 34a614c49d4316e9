package io.jshim.framework;

import static java.util.Objects.requireNonNull;

import io.jshim.framework.config.FrameworkSettings;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.Map;
import java.util.Optional;

/**
 * What a serving daemon publishes so that a launcher script can answer {@code start} for a task of its group without
 * starting a JVM: {@code DIR/<socket file name>} (the socket's name is the hex SHA-256 containerd's address derivation
 * gives), root-only ({@code DIR} 0700, the file 0600), written once the daemon serves and removed the moment its
 * shutdown begins. Seven lines, so that {@code sh} reads them with {@code read}:
 * <pre>
 * jshim-daemon 1
 * PID
 * START TIME      (field 22 of /proc/PID/stat: a reused pid has another)
 * GROUPING        (jshim.grouping: sandbox, namespace or none)
 * ADDRESS VERSION (jshim.address-version)
 * FINGERPRINT     (what the launcher passed in $JSHIM_FINGERPRINT: its installation and configuration)
 * ADDRESS         (unix://...)
 * </pre>
 * Published only when the launcher passed a fingerprint ({@code <hash>-<hash>}): a launcher joins only a daemon of its own installation
 * and configuration, whose grouping it then knows. A daemon killed without its shutdown leaves the file: the pid and
 * start time tell a launcher it is stale.
 */
public final class JoinRecord {
    /** Where the records live. */
    public static final Path DIR = Path.of("/run/jshim/groups");
    /** The environment variable with the launcher's installation and configuration fingerprint. */
    public static final String FINGERPRINT_ENV = "JSHIM_FINGERPRINT";
    /** The first line. */
    public static final String FORMAT = "jshim-daemon 1";

    private final Path file;

    private JoinRecord(Path file) {
        this.file = file;
    }

    /**
     * Publishes the record of this process serving {@code socket}, when {@code env} carries a fingerprint.
     *
     * @param dir      the records' directory ({@link #DIR})
     * @param socket   the socket the daemon serves
     * @param settings its framework settings (grouping, address version)
     * @param env      its environment
     * @return the record, to {@link #remove()} when shutdown begins; empty when nothing was published
     * @throws IOException when the record cannot be written (nothing is left behind)
     */
    public static Optional<JoinRecord> publish(Path dir, Path socket, FrameworkSettings settings, Map<String, String> env)
            throws IOException {
        requireNonNull(socket, "socket is null");
        String fingerprint = env.getOrDefault(FINGERPRINT_ENV, "");
        if (!LauncherFingerprint.valid(fingerprint)) {
            return Optional.empty();
        }
        long pid = ProcessHandle.current().pid();
        String text = FORMAT + "\n" + pid + "\n" + startTime(Path.of("/proc/self/stat")) + "\n" + settings.grouping()
                + "\n" + settings.addressVersion() + "\n" + fingerprint + "\n" + "unix://" + socket + "\n";
        Files.createDirectories(dir.getParent(), PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rwx------")));
        Files.createDirectories(dir, PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rwx------")));
        Path target = dir.resolve(socket.getFileName().toString());
        PrivateFiles.replace(target, text);
        return Optional.of(new JoinRecord(target));
    }

    /** Removes the record (shutdown began): from now on every start of the group goes through the JVM. */
    public void remove() throws IOException {
        Files.deleteIfExists(file);
    }

    /** The record's file. */
    public Path file() {
        return file;
    }

    /** Field 22 of a {@code /proc/PID/stat}: the process's start time in clock ticks after boot. */
    static String startTime(Path stat) throws IOException {
        String line = Files.readString(stat, StandardCharsets.UTF_8);
        String[] fields = line.substring(line.lastIndexOf(')') + 2).trim().split(" ");
        return fields[19];
    }
}
