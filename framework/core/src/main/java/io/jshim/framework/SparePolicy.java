package io.jshim.framework;

import io.jshim.framework.config.FrameworkSettings;
import io.jshim.framework.config.SpareSettings;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;

/**
 * What the launcher needs of {@code jshim.spare} (it reads no HOCON): every JVM of an installation that loaded the
 * configuration writes {@code policy.<fingerprint>} in the installation's spare directory ({@value #ROOT_ENV}), shell
 * lines {@code key=value} (count, handoff_timeout, start_timeout, refill_delay; seconds with decimals), or removes it
 * when spares are off ({@code count = 0}, or {@code jshim.daemon-jvm-options} set: a spare runs the launcher's
 * daemon flags). The launcher only claims or starts spares when the policy of its own fingerprint is there.
 */
final class SparePolicy {
    /** The installation's spare directory ({@code /run/jshim-spare/<key>}), set by the launcher. */
    static final String ROOT_ENV = "JSHIM_SPARE_ROOT";
    /** The installation fingerprint (launcher, jars, configuration file identity), set by the launcher. */
    static final String FINGERPRINT_ENV = "JSHIM_SPARE_FINGERPRINT";
    /** The launcher's installation directory, set by the launcher. */
    static final String HOME_ENV = "JSHIM_SPARE_HOME";
    private SparePolicy() {
    }

    /** Whether this configuration runs spares. */
    static boolean enabled(FrameworkSettings settings) {
        return settings.spare().enabled() && settings.daemonJvmOptions().isEmpty();
    }

    /**
     * Writes (creating the directory, mode 0700) or removes the policy of the launcher's fingerprint; does nothing
     * without a launcher's spare environment.
     *
     * @throws ShimException naming the file when it cannot be written
     */
    static void publish(Map<String, String> env, FrameworkSettings settings) {
        Optional<Path> file = file(env);
        if (file.isEmpty()) {
            return;
        }
        Path policy = file.get();
        try {
            if (!enabled(settings)) {
                if (Files.isDirectory(policy.getParent())) {
                    Files.deleteIfExists(policy);
                }
                return;
            }
            Files.createDirectories(policy.getParent(),
                    PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rwx------")));
            SpareSettings spare = settings.spare();
            String content = "count=" + spare.count() + "\n"
                    + "handoff_timeout=" + seconds(spare.handoffTimeout()) + "\n"
                    + "start_timeout=" + seconds(settings.startTimeout()) + "\n"
                    + "refill_delay=" + seconds(spare.refillDelay()) + "\n";
            if (Files.isRegularFile(policy) && Files.readString(policy).equals(content)) {
                return;
            }
            Path temp = policy.resolveSibling("." + policy.getFileName() + "." + ProcessHandle.current().pid());
            Files.writeString(temp, content, StandardCharsets.UTF_8);
            Files.move(temp, policy, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
        } catch (IOException e) {
            throw new ShimException("failed to write the spare policy " + policy + ": " + e.getMessage(), e);
        }
    }

    /** {@code <root>/policy.<fingerprint>}, when the launcher set both. */
    static Optional<Path> file(Map<String, String> env) {
        String root = env.getOrDefault(ROOT_ENV, "");
        String fingerprint = env.getOrDefault(FINGERPRINT_ENV, "");
        if (root.isEmpty() || !root.startsWith("/") || !LauncherFingerprint.valid(fingerprint)) {
            return Optional.empty();
        }
        return Optional.of(Path.of(root, "policy." + fingerprint));
    }

    private static String seconds(java.time.Duration duration) {
        return String.format(Locale.ROOT, "%.3f", duration.toMillis() / 1000.0);
    }
}
