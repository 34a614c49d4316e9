package io.jshim.framework;

import static java.util.Objects.requireNonNull;

import io.jshim.framework.config.ShimConfig;
import io.jshim.framework.config.SpareSettings;
import io.jshim.framework.logging.ShimLogging;
import io.jshim.posix.FileCalls;
import io.jshim.posix.Posix;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.attribute.PosixFilePermission;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.atomic.AtomicBoolean;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A warm spare daemon ({@code jshim.spare}): a JVM the launcher starts ahead of time with the daemon's flags and
 * AOT cache ({@value #SPARE_ENV}{@code =1}, no shim arguments, so no {@code -address} on its command line and nothing
 * of it under containerd's sockets). It
 * <ol>
 *   <li>creates {@code <root>/new.<pid>} (mode 0700; {@code root} is the launcher's root-only directory of the
 *       installation, {@value SparePolicy#ROOT_ENV}) and warms up in it ({@link SpareWarmUp});</li>
 *   <li>writes {@code pid}, makes the request FIFO {@code req} (0600, held open read-write so that the launcher's
 *       open never blocks while the spare lives) and the output FIFO {@code out} (0600), and publishes itself by
 *       renaming the directory to
 *       {@code ready.<fingerprint>.<pid>};</li>
 *   <li>waits. A launcher claims it by renaming that directory to {@code claim.<launcher pid>} (one rename wins),
 *       fills it ({@link HandoffRequest}) and writes one line naming it on {@code req}; the spare validates the
 *       request (a bad one is logged and the spare keeps waiting while unclaimed, else exits), answers
 *       {@code jshim: handoff} on the {@code out} FIFO, makes that FIFO its stdout and stderr, changes to the bundle
 *       and becomes the group's daemon exactly as the launcher's one-JVM start ({@link StartAction#serve}) with the
 *       start's arguments, environment and stdin, OOM score from the launcher, and the daemon's command line
 *       ({@link ProcessTitle});</li>
 *   <li>retires (removes its directory, exits 0) after {@code jshim.spare.idle-timeout}, on SIGTERM, when its
 *       installation's launcher or directory is gone, or when its PSS after warm-up exceeds
 *       {@code jshim.spare.max-idle-memory}.</li>
 * </ol>
 */
final class SpareAction {
    /** Set to {@code 1} by the launcher for a spare JVM. */
    static final String SPARE_ENV = "JSHIM_SPARE";
    /** What a spare answers first on the launcher's {@code out} FIFO once it accepted a hand-off. */
    static final String ACCEPTED = "jshim: handoff";
    private static final short POLLIN = 1;
    private static final Duration TICK = Duration.ofSeconds(1);
    private static final Duration WARM_UP_BOUND = Duration.ofSeconds(60);
    /** Warm-up runs: more runs push more of the start and Create paths past C1's compile thresholds. */
    private static final int WARM_UP_PASSES = 3;

    private final ShimManager manager;
    private final ShimConfig config;
    private final Posix posix;
    private final Map<String, String> env;
    private final Handoff handoff;
    private final AtomicBoolean retiring = new AtomicBoolean();
    private Logger log;

    /** Runs an accepted hand-off as the start the launcher received. */
    interface Handoff {
        /**
         * @param becomingDaemon to run when this JVM starts serving as the group's daemon
         */
        Outcome serve(HandoffRequest request, PrintStream out, Runnable becomingDaemon) throws Exception;
    }

    /**
     * What a hand-off came to.
     *
     * @param daemon whether this JVM became (and has now stopped being) the group's daemon; false when the start
     *               joined a serving daemon or failed before serving, and the JVM can wait again
     * @param code   the exit code
     */
    record Outcome(boolean daemon, int code) {
    }

    /** fd where the spare keeps its own stderr (the spares' log) while a start's output is on 1 and 2. */
    private static final int SAVED_STDERR = 64;

    SpareAction(ShimManager manager, ShimConfig config, Posix posix, Map<String, String> env, Handoff handoff) {
        this.manager = requireNonNull(manager, "manager is null");
        this.config = requireNonNull(config, "config is null");
        this.posix = requireNonNull(posix, "posix is null");
        this.env = Map.copyOf(env);
        this.handoff = requireNonNull(handoff, "handoff is null");
    }

    /** Whether the launcher started this JVM as a spare. */
    static boolean isSpare(List<String> args, Map<String, String> env) {
        return args.isEmpty() && "1".equals(env.get(SPARE_ENV));
    }

    /** Runs the spare; returns the exit code (the daemon's once handed a start). */
    int run() throws Exception {
        ShimLogging.configure(config.framework().logLevel(), Map.of("runtime", manager.name(), "role", "spare"));
        log = LoggerFactory.getLogger(SpareAction.class);
        Path root = Path.of(require(SparePolicy.ROOT_ENV));
        String fingerprint = require(SparePolicy.FINGERPRINT_ENV);
        String home = require(SparePolicy.HOME_ENV);
        if (!root.isAbsolute() || !LauncherFingerprint.valid(fingerprint)) {
            throw new ShimException("failed to start spare: $" + SparePolicy.ROOT_ENV + " " + root + " or $"
                    + SparePolicy.FINGERPRINT_ENV + " " + fingerprint + " is not what the launcher sets");
        }
        HandoffRequest.checkPrivateDir(root);
        SparePolicy.publish(env, config.framework());
        if (!SparePolicy.enabled(config.framework())) {
            log.atInfo().addKeyValue("root", root).log("spares are off (jshim.spare.count = 0 or "
                    + "jshim.daemon-jvm-options set): spare exits");
            return 0;
        }
        SpareSettings settings = config.framework().spare();
        int self = posix.getpid();
        Path dir = root.resolve("new." + self);
        Files.createDirectory(dir, PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rwx------")));
        int requestFd = -1;
        try {
            long warmStart = System.nanoTime();
            for (int pass = 0; pass < WARM_UP_PASSES; pass++) {
                new SpareWarmUp(manager, config, posix, env).run(dir.resolve("warm"), WARM_UP_BOUND);
            }
            // after the warm-up, whose daemon had its own SIGTERM handler
            installRetireSignal();
            System.gc();
            long pss = pssBytes();
            log.atInfo().addKeyValue("pid", self).addKeyValue("warm_up_ms", (System.nanoTime() - warmStart) / 1_000_000)
                    .addKeyValue("pss_kib", pss / 1024).log("spare warmed up");
            long limit = settings.maxIdleMemory().toBytes();
            if (limit > 0 && pss > limit) {
                log.atError().addKeyValue("pss_kib", pss / 1024).addKeyValue("limit_kib", limit / 1024)
                        .log("spare retires: its PSS after warm-up exceeds jshim.spare.max-idle-memory");
                return 0;
            }
            List<String> spareTitle = ownCommandLine();
            // the hand-off sets the daemon's command line: pay the first call's cost (its FFM downcalls, ~10 ms) now
            setTitle(spareTitle);
            while (true) {
                Files.writeString(dir.resolve("pid"), Integer.toString(self));
                Path fifo = dir.resolve("req");
                posix.mkfifo(fifo, 0600);
                // the FIFO the claiming launcher reads the start's output from (one program less on its path)
                posix.mkfifo(dir.resolve("out"), 0600);
                requestFd = posix.open(fifo, FileCalls.O_RDWR | FileCalls.O_CLOEXEC, 0);
                Path ready = root.resolve("ready." + fingerprint + "." + self);
                Files.move(dir, ready, StandardCopyOption.ATOMIC_MOVE);
                dir = ready;
                Optional<HandoffRequest> request = await(requestFd, root, ready, self, home, fingerprint, settings);
                if (request.isEmpty()) {
                    return 0;
                }
                int fd = requestFd;
                requestFd = -1;
                posix.close(fd);
                Outcome outcome = handOff(request.get());
                if (outcome.daemon()) {
                    return outcome.code();
                }
                // the start joined a group whose daemon serves: this JVM is still a spare, waiting again
                restoreSpare(spareTitle);
                dir = root.resolve("new." + self);
                Files.createDirectory(dir, PosixFilePermissions.asFileAttribute(
                        PosixFilePermissions.fromString("rwx------")));
                log.atInfo().addKeyValue("pid", self).addKeyValue("exit_code", outcome.code())
                        .log("spare answered a start that joined a serving daemon: waiting again");
            }
        } finally {
            if (requestFd >= 0) {
                posix.close(requestFd);
            }
            SpareWarmUp.deleteTree(dir);
        }
    }

    /**
     * Waits for a valid request on {@code requestFd}; empty when the spare retires instead (idle timeout, SIGTERM,
     * installation gone, or an invalid request once claimed).
     */
    /** Back to a spare after a start it answered without becoming a daemon: stdio and command line. */
    private void restoreSpare(List<String> spareTitle) {
        System.out.flush();
        System.err.flush();
        int devNull = posix.open(Path.of("/dev/null"), FileCalls.O_WRONLY | FileCalls.O_CLOEXEC, 0);
        posix.dup2(devNull, 1);
        posix.close(devNull);
        posix.dup2(SAVED_STDERR, 2);
        posix.close(SAVED_STDERR);
        setTitle(spareTitle);
    }

    private void setTitle(List<String> title) {
        try {
            ProcessTitle.set(title);
        } catch (ShimException e) {
            log.atWarn().log(e.getMessage());
        }
    }

    private static List<String> ownCommandLine() throws IOException {
        return List.of(Files.readString(Path.of("/proc/self/cmdline"), StandardCharsets.UTF_8).split("\0"));
    }

    private Optional<HandoffRequest> await(int requestFd, Path root, Path ready, int self, String home,
            String fingerprint, SpareSettings settings) throws IOException {
        long idleDeadline = settings.idleTimeout().isZero() ? Long.MAX_VALUE
                : System.nanoTime() + settings.idleTimeout().toNanos();
        Path launcher = Path.of(env.getOrDefault(StartAction.LAUNCHER_ENV, "/nonexistent"));
        LineReader lines = new LineReader(requestFd);
        while (true) {
            if (retiring.get() || !Files.isDirectory(root) || !Files.exists(launcher)
                    || System.nanoTime() > idleDeadline) {
                if (retire(ready, root, self)) {
                    log.atInfo().addKeyValue("pid", self).addKeyValue("idle_timeout", settings.idleTimeout())
                            .addKeyValue("launcher_present", Files.exists(launcher))
                            .log("spare retires");
                    return Optional.empty();
                }
                // claimed meanwhile: the launcher's request comes (or it kills this spare)
                idleDeadline = Long.MAX_VALUE;
            }
            if (!lines.buffered() && posix.poll(requestFd, POLLIN, (int) TICK.toMillis()) <= 0) {
                continue;
            }
            Optional<String> line;
            try {
                line = lines.next();
            } catch (HandoffRequest.InvalidRequestException e) {
                log.atError().addKeyValue("pid", self).log(e.getMessage());
                if (!Files.isDirectory(ready)) {
                    return Optional.empty();
                }
                continue;
            }
            if (line.isEmpty()) {
                continue;
            }
            try {
                return Optional.of(HandoffRequest.read(line.get(), root, self, home, fingerprint));
            } catch (HandoffRequest.InvalidRequestException e) {
                log.atError().addKeyValue("pid", self).log(e.getMessage());
                if (!Files.isDirectory(ready)) {
                    log.atError().addKeyValue("pid", self).log("spare was claimed but the request is invalid: "
                            + "spare exits");
                    return Optional.empty();
                }
            }
        }
    }

    /** Renames {@code ready} away so no launcher can claim it; false when a launcher claimed it first. */
    private boolean retire(Path ready, Path root, int self) {
        if (!Files.isDirectory(root)) {
            return true;
        }
        try {
            Files.move(ready, root.resolve("retired." + self), StandardCopyOption.ATOMIC_MOVE);
            SpareWarmUp.deleteTree(root.resolve("retired." + self));
            return true;
        } catch (java.nio.file.NoSuchFileException e) {
            return false;
        } catch (IOException e) {
            log.atWarn().addKeyValue("dir", ready).setCause(e).log("failed to retire spare directory");
            return true;
        }
    }

    /** Answers the launcher, takes its stdout/stderr and the bundle, and serves the start. */
    private Outcome handOff(HandoffRequest request) throws Exception {
        Path out = request.claim().resolve("out");
        if (!Files.exists(out, LinkOption.NOFOLLOW_LINKS)) {
            throw new HandoffRequest.InvalidRequestException("failed to accept hand-off: " + out + " is missing");
        }
        int fd = posix.open(out, FileCalls.O_WRONLY | FileCalls.O_CLOEXEC, 0);
        byte[] accepted = (ACCEPTED + "\n").getBytes(StandardCharsets.UTF_8);
        posix.write(fd, accepted, 0, accepted.length);
        // logged while stderr is still the spares' log: from here on, stdout and stderr are the start's output
        log.atInfo().addKeyValue("pid", posix.getpid()).addKeyValue("path", request.cwd())
                .log("spare handed a start");
        List<String> title = new ArrayList<>();
        title.add(env.getOrDefault(StartAction.LAUNCHER_ENV, "containerd-shim"));
        title.addAll(request.args());
        setTitle(title);
        System.out.flush();
        System.err.flush();
        posix.dup2(2, SAVED_STDERR);
        posix.dup2(fd, 1);
        posix.dup2(fd, 2);
        posix.close(fd);
        SpareWarmUp.deleteTree(request.claim());
        // the daemon's children must not inherit the spares' log
        return handoff.serve(request, System.out, () -> posix.close(SAVED_STDERR));
    }

    private void installRetireSignal() {
        sun.misc.Signal.handle(new sun.misc.Signal("TERM"), signal -> retiring.set(true));
    }

    private String require(String name) {
        String value = env.getOrDefault(name, "");
        if (value.isEmpty()) {
            throw new ShimException("failed to start spare: $" + name + " is not set (the launcher starts spares)");
        }
        return value;
    }

    /** This process's proportional set size ({@code /proc/self/smaps_rollup}), 0 when unknown. */
    static long pssBytes() {
        try {
            for (String line : Files.readAllLines(Path.of("/proc/self/smaps_rollup"))) {
                if (line.startsWith("Pss:")) {
                    return Long.parseLong(line.substring(4).replace("kB", "").strip()) * 1024;
                }
            }
        } catch (IOException | RuntimeException e) {
            return 0;
        }
        return 0;
    }

    /** Reads newline-terminated lines of at most {@link HandoffRequest#MAX_LINE} bytes from a FIFO. */
    private final class LineReader {
        private final int fd;
        private final byte[] buffer = new byte[HandoffRequest.MAX_LINE];
        private final ByteArrayOutputStream pending = new ByteArrayOutputStream();
        private int position;
        private int limit;
        private boolean discarding;

        LineReader(int fd) {
            this.fd = fd;
        }

        /** Whether bytes read earlier wait to be parsed (then {@link #next} needs no poll). */
        boolean buffered() {
            return position < limit;
        }

        /**
         * The next complete line, from what is buffered or else one read; empty when none is complete yet.
         *
         * @throws HandoffRequest.InvalidRequestException for a line longer than the bound (the rest of it is skipped)
         */
        Optional<String> next() {
            if (position == limit) {
                int n = posix.read(fd, buffer, 0, buffer.length);
                position = 0;
                limit = Math.max(n, 0);
            }
            while (position < limit) {
                byte b = buffer[position++];
                if (b == '\n') {
                    boolean skipped = discarding;
                    discarding = false;
                    String line = pending.toString(StandardCharsets.UTF_8);
                    pending.reset();
                    if (!skipped) {
                        return Optional.of(line);
                    }
                    continue;
                }
                if (discarding) {
                    continue;
                }
                pending.write(b);
                if (pending.size() > HandoffRequest.MAX_LINE) {
                    pending.reset();
                    discarding = true;
                    throw new HandoffRequest.InvalidRequestException("failed to accept hand-off: request line longer "
                            + "than " + HandoffRequest.MAX_LINE + " bytes (discarded)");
                }
            }
            return Optional.empty();
        }
    }
}
