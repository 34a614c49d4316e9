package io.jshim.framework;

import java.util.regex.Pattern;

/**
 * The launcher's fingerprint of its installation and configuration ({@code lib/jshim/sh/identity.sh}): two hashes,
 * modulo 31-bit primes, of the inode, size and ctime of the launcher, the configuration file and every jar (and of
 * {@code JSHIM_JAVA_OPTS}), {@code <hash>-<hash>}. One fingerprint guards both
 * JVM-less paths: a daemon's {@link JoinRecord} and a warm spare's directory ({@link SparePolicy}).
 */
final class LauncherFingerprint {
    private static final Pattern FORMAT = Pattern.compile("[0-9]{1,10}-[0-9]{1,19}");

    private LauncherFingerprint() {
    }

    /** Whether {@code fingerprint} is one the launcher writes (anything else is ignored, never trusted). */
    static boolean valid(String fingerprint) {
        return fingerprint != null && FORMAT.matcher(fingerprint).matches();
    }
}
