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
import java.util.regex.Pattern;

/**
 * What a serving daemon publishes so that a launcher script can answer {@code start} for a task of its group without
 * starting a JVM: {@code DIR/<namespace>,<group>,<containerd address with every / as ,>} (a name the launcher builds
 * from its flags and the group with shell builtins alone, where the socket's name would take a {@code sha256sum}),
 * root-only ({@code DIR} 0700, the file 0600), written once the daemon serves and removed the moment its shutdown
 * begins. Seven lines, so that {@code sh} reads them with {@code read}:
 * <pre>
 * jshim-daemon 2
 * PID
 * START TIME      (field 22 of /proc/PID/stat: a reused pid has another)
 * GROUPING        (jshim.grouping: sandbox, namespace or none)
 * ADDRESS VERSION (jshim.address-version)
 * FINGERPRINT     (what the launcher passed in $JSHIM_FINGERPRINT: its installation and configuration)
 * ADDRESS         (unix:///run/containerd/s/<sha256>, the socket containerd's derivation gives for the group)
 * </pre>
 * Published only when the launcher passed a fingerprint ({@code <hash>-<hash>}): a launcher joins only a daemon of
 * its own installation and configuration, whose grouping it then knows (the daemon publishes nothing when its
 * configuration file is not {@link io.jshim.framework.config.ShimConfig#selfContained}); and only when the namespace and group are
 * plain names and the containerd address a plain path ({@code [A-Za-z0-9_.:@+=-]}, and {@code /} in the address;
 * the launcher takes the JVM path for anything else) and the socket is the group's. A daemon killed without its
 * shutdown leaves the file: the pid and start time tell a launcher it is stale.
 */
public final class JoinRecord {
    /** Where the records live. */
    public static final Path DIR = Path.of("/run/jshim/groups");
    /** The environment variable with the launcher's installation and configuration fingerprint. */
    public static final String FINGERPRINT_ENV = "JSHIM_FINGERPRINT";
    /** The first line. */
    public static final String FORMAT = "jshim-daemon 2";

    private static final Pattern PLAIN_NAME = Pattern.compile("[A-Za-z0-9_.:@+=-]+");
    private static final Pattern PLAIN_PATH = Pattern.compile("[A-Za-z0-9_.:@+=/-]+");
    private static final int MAX_NAME_BYTES = 255;

    private final Path file;

    private JoinRecord(Path file) {
        this.file = file;
    }

    /**
     * Publishes the record of this process serving {@code socket} for a group, when {@code env} carries a fingerprint
     * and the group's name can be one.
     *
     * @param dir                the records' directory ({@link #DIR})
     * @param socket             the socket the daemon serves
     * @param settings           its framework settings (grouping, address version)
     * @param env                its environment
     * @param containerdAddress  containerd's address ({@code -address})
     * @param namespace          the namespace ({@code -namespace})
     * @param group              the group the daemon serves ({@code socket} must be its derived socket)
     * @return the record, to {@link #remove()} when shutdown begins; empty when nothing was published
     * @throws IOException when the record cannot be written (nothing is left behind)
     */
    public static Optional<JoinRecord> publish(Path dir, Path socket, FrameworkSettings settings, Map<String, String> env,
            String containerdAddress, String namespace, String group) throws IOException {
        requireNonNull(socket, "socket is null");
        String fingerprint = env.getOrDefault(FINGERPRINT_ENV, "");
        Optional<String> name = name(containerdAddress, namespace, group);
        if (!LauncherFingerprint.valid(fingerprint) || name.isEmpty()
                || !SocketAddress.path(containerdAddress, namespace, group).equals(socket)) {
            return Optional.empty();
        }
        long pid = ProcessHandle.current().pid();
        String text = FORMAT + "\n" + pid + "\n" + startTime(Path.of("/proc/self/stat")) + "\n" + settings.grouping()
                + "\n" + settings.addressVersion() + "\n" + fingerprint + "\n" + "unix://" + socket + "\n";
        Files.createDirectories(dir.getParent(), PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rwx------")));
        Files.createDirectories(dir, PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rwx------")));
        Path target = dir.resolve(name.get());
        PrivateFiles.replace(target, text);
        return Optional.of(new JoinRecord(target));
    }

    /**
     * The record's file name for a group, as the launcher builds it.
     *
     * @param containerdAddress containerd's address ({@code -address})
     * @param namespace         the namespace
     * @param group             the group
     * @return {@code <namespace>,<group>,<address with every / as ,>}; empty when a part is not plain (a name: not
     *     {@code .} or {@code ..}; the address: no empty, {@code .} or {@code ..} element, which Go's path.Join would
     *     clean) or the name would be too long for a file
     */
    public static Optional<String> name(String containerdAddress, String namespace, String group) {
        if (!plainName(namespace) || !plainName(group) || !PLAIN_PATH.matcher(containerdAddress).matches()) {
            return Optional.empty();
        }
        String[] elements = containerdAddress.split("/", -1);
        for (int i = 0; i < elements.length; i++) {
            boolean leadingSlash = i == 0 && elements.length > 1;
            if ((elements[i].isEmpty() && !leadingSlash) || elements[i].equals(".") || elements[i].equals("..")) {
                return Optional.empty();
            }
        }
        String name = namespace + "," + group + "," + containerdAddress.replace('/', ',');
        return name.length() <= MAX_NAME_BYTES ? Optional.of(name) : Optional.empty();
    }

    private static boolean plainName(String value) {
        return PLAIN_NAME.matcher(value).matches() && !value.equals(".") && !value.equals("..");
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
