package io.jshim.framework.config;

import static java.util.Objects.requireNonNull;

import java.time.Duration;
import java.util.List;

/**
 * The framework's own settings: the HOCON block {@code jshim} (defaults in the framework's
 * {@code reference.conf}).
 *
 * @param shutdownTimeout  {@code jshim.shutdown-timeout}: bound on the daemon's graceful shutdown (server
 *                         drain, plugin close, shutdown callbacks); default 5 s as the Go shim
 * @param posix            {@code jshim.posix}: {@code ffm} (Java's foreign function API) or {@code jnr}
 * @param pluginsDir       {@code jshim.plugins-dir}: directory of extra plugin jars; empty for none
 * @param logLevel         {@code jshim.log-level}: trace, debug, info, warn or error ({@code -debug} forces debug)
 * @param addressVersion   {@code jshim.address-version}: 2 or 3, the bootstrap version printed by {@code start}
 *                         when containerd sets {@code MAX_SHIM_VERSION} (3 makes containerd 2.x use task.v3)
 * @param interceptorOrder {@code jshim.interceptor-order}: plugin URIs ({@code <type>.<id>}) whose server
 *                         interceptors come first (outermost), in this order; the others follow in start order
 * @param startTimeout     {@code jshim.start-timeout}: how long {@code start} waits for the daemon to be ready
 * @param grouping         {@code jshim.grouping}: which tasks share one daemon: {@code sandbox} (the manager's
 *                         {@code groupId}, a pod as the Go shim), {@code namespace} (every task of a namespace)
 *                         or {@code none} (one daemon per task)
 * @param daemonJvmOptions {@code jshim.daemon-jvm-options}: JVM flags of the daemon replacing the launcher's
 *                         defaults (empty: keep them); used when the launcher names itself in
 *                         {@code JSHIM_LAUNCHER}, since the daemon is then started through the launcher (and
 *                         not by the start JVM becoming the daemon)
 */
public record FrameworkSettings(
        Duration shutdownTimeout,
        String posix,
        String pluginsDir,
        String logLevel,
        int addressVersion,
        List<String> interceptorOrder,
        Duration startTimeout,
        String grouping,
        List<String> daemonJvmOptions,
        SpareSettings spare) {

    /** The {@code jshim.grouping} values. */
    public static final List<String> GROUPINGS = List.of("sandbox", "namespace", "none");

    /** With the default grouping ({@code sandbox}) and the launcher's daemon JVM flags. */
    public FrameworkSettings(Duration shutdownTimeout, String posix, String pluginsDir, String logLevel,
            int addressVersion, List<String> interceptorOrder, Duration startTimeout) {
        this(shutdownTimeout, posix, pluginsDir, logLevel, addressVersion, interceptorOrder, startTimeout, "sandbox",
                List.of(), SpareSettings.DEFAULT);
    }

    /** With the default spare settings ({@link SpareSettings#DEFAULT}). */
    public FrameworkSettings(Duration shutdownTimeout, String posix, String pluginsDir, String logLevel,
            int addressVersion, List<String> interceptorOrder, Duration startTimeout, String grouping,
            List<String> daemonJvmOptions) {
        this(shutdownTimeout, posix, pluginsDir, logLevel, addressVersion, interceptorOrder, startTimeout, grouping,
                daemonJvmOptions, SpareSettings.DEFAULT);
    }

    /** Validates the values. */
    public FrameworkSettings {
        requireNonNull(shutdownTimeout, "shutdownTimeout is null");
        requireNonNull(posix, "posix is null");
        requireNonNull(pluginsDir, "pluginsDir is null");
        requireNonNull(logLevel, "logLevel is null");
        interceptorOrder = List.copyOf(interceptorOrder);
        requireNonNull(startTimeout, "startTimeout is null");
        requireNonNull(grouping, "grouping is null");
        daemonJvmOptions = List.copyOf(daemonJvmOptions);
        requireNonNull(spare, "spare is null");
        if (!GROUPINGS.contains(grouping)) {
            throw new IllegalArgumentException("grouping must be sandbox, namespace or none, got \"" + grouping + "\"");
        }
        for (String option : daemonJvmOptions) {
            if (!option.startsWith("-") || option.chars().anyMatch(Character::isWhitespace)) {
                throw new IllegalArgumentException("daemon-jvm-options must be JVM flags without spaces, got \""
                        + option + "\"");
            }
        }
        if (shutdownTimeout.isNegative() || shutdownTimeout.isZero()) {
            throw new IllegalArgumentException("shutdown-timeout must be positive, got " + shutdownTimeout);
        }
        if (startTimeout.isNegative() || startTimeout.isZero()) {
            throw new IllegalArgumentException("start-timeout must be positive, got " + startTimeout);
        }
        if (!posix.equals("ffm") && !posix.equals("jnr")) {
            throw new IllegalArgumentException("posix must be \"ffm\" or \"jnr\", got \"" + posix + "\"");
        }
        if (!List.of("trace", "debug", "info", "warn", "error").contains(logLevel)) {
            throw new IllegalArgumentException("log-level must be trace, debug, info, warn or error, got \"" + logLevel + "\"");
        }
        if (addressVersion != 2 && addressVersion != 3) {
            throw new IllegalArgumentException("address-version must be 2 or 3, got " + addressVersion);
        }
    }
}
