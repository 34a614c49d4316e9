package io.jshim.framework.config;

import static java.util.Objects.requireNonNull;

import com.typesafe.config.ConfigMemorySize;
import java.time.Duration;

/**
 * The HOCON block {@code jshim.spare}: warm spare daemons. A spare is a daemon JVM started ahead of time (classes
 * loaded and linked, its start and Create paths run once against a scratch bundle) that waits, outside containerd's
 * view, to be handed the next {@code start} of a new group by the launcher; it then becomes that group's daemon
 * exactly as a cold start makes one. See {@code io.jshim.framework.SpareAction}.
 *
 * @param count          {@code jshim.spare.count}: spares the launcher keeps ready, 0 to
 *                       {@value #MAX_COUNT}; 0 turns spares off (every start boots its own JVM, as before)
 * @param handoffTimeout {@code jshim.spare.handoff-timeout}: how long the launcher waits for a claimed spare to
 *                       acknowledge the hand-off before it kills the spare and starts cold (the daemon's own start is
 *                       then bounded by {@code jshim.start-timeout})
 * @param idleTimeout    {@code jshim.spare.idle-timeout}: a spare not handed a start within this time retires (the
 *                       next start is cold and starts a new spare); 0 keeps it until it is used
 * @param maxIdleMemory  {@code jshim.spare.max-idle-memory}: a spare whose proportional set size (PSS) after its
 *                       warm-up exceeds this size retires instead of waiting; 0 for no limit
 * @param refillDelay    {@code jshim.spare.refill-delay}: after a hand-off, the replacement spare starts once the new
 *                       daemon's first container is created or after this delay, whichever is first
 */
public record SpareSettings(int count, Duration handoffTimeout, Duration idleTimeout, ConfigMemorySize maxIdleMemory,
        Duration refillDelay) {
    /** The largest {@code jshim.spare.count}. */
    public static final int MAX_COUNT = 8;

    /** One spare, 2 s hand-off bound, no idle timeout, no memory limit, 5 s refill delay. */
    public static final SpareSettings DEFAULT = new SpareSettings(1, Duration.ofSeconds(2), Duration.ZERO,
            ConfigMemorySize.ofBytes(0), Duration.ofSeconds(5));

    /** Validates the values; each message names its key. */
    public SpareSettings {
        requireNonNull(handoffTimeout, "handoffTimeout is null");
        requireNonNull(idleTimeout, "idleTimeout is null");
        requireNonNull(refillDelay, "refillDelay is null");
        requireNonNull(maxIdleMemory, "maxIdleMemory is null");
        if (count < 0 || count > MAX_COUNT) {
            throw new IllegalArgumentException("jshim.spare.count must be 0 (no spares) to " + MAX_COUNT + ", got "
                    + count);
        }
        if (handoffTimeout.toMillis() < 100 || handoffTimeout.compareTo(Duration.ofMinutes(1)) > 0) {
            throw new IllegalArgumentException("jshim.spare.handoff-timeout must be between 100ms and 1m, got "
                    + handoffTimeout);
        }
        if (idleTimeout.isNegative()) {
            throw new IllegalArgumentException("jshim.spare.idle-timeout must be 0 (none) or positive, got "
                    + idleTimeout);
        }
        if (maxIdleMemory.toBytes() < 0) {
            throw new IllegalArgumentException("jshim.spare.max-idle-memory must be 0 (no limit) or a size, got "
                    + maxIdleMemory);
        }
        if (refillDelay.isNegative() || refillDelay.compareTo(Duration.ofMinutes(1)) > 0) {
            throw new IllegalArgumentException("jshim.spare.refill-delay must be between 0 and 1m, got "
                    + refillDelay);
        }
    }

    /** Whether spares are on. */
    public boolean enabled() {
        return count > 0;
    }
}
