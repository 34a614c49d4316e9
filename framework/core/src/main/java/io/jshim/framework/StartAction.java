package io.jshim.framework;

import static java.util.Objects.requireNonNull;

import io.jshim.framework.config.FrameworkSettings;
import io.jshim.posix.FileCalls;
import io.jshim.posix.PipeFds;
import io.jshim.posix.Posix;
import io.jshim.posix.SpawnRequest;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.PrintStream;
import java.io.UncheckedIOException;
import java.net.BindException;
import java.net.StandardProtocolFamily;
import java.net.UnixDomainSocketAddress;
import java.nio.channels.ServerSocketChannel;
import java.nio.channels.SocketChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.function.Function;

/**
 * The {@code start} action: find or start the group's daemon and report its address. Deliberately lean:
 * no Guice, no logging framework, no plugins.
 *
 * <ol>
 *   <li>address = {@link SocketAddress#of}(-address, -namespace, {@link ShimManager#groupId});</li>
 *   <li>if the socket answers, the group's daemon exists: write {@code address} and print it;</li>
 *   <li>else remove a stale socket, bind it (mode 0600, parent dir created), and spawn the daemon (same
 *       command line minus {@code start}, new session, stdout/stderr on {@code /dev/null} because
 *       containerd 1.6 waits for them to close, the listening socket as fd 0, a ready pipe as fd 3);</li>
 *   <li>wait (bounded) until the daemon writes {@code ok} or its error on the pipe, or dies;</li>
 *   <li>set the daemon's OOM score to containerd's + 1 (max 1000), let the manager act on the new pid,
 *       write {@code address} and {@code bootstrap.json} in the bundle and print the address.</li>
 * </ol>
 */
final class StartAction {
    /** Environment variable telling the daemon which fd is the ready pipe. */
    static final String READY_FD_ENV = "JSHIM_READY_FD";
    static final int READY_FD = 3;
    static final String READY = "ok";
    /**
     * Environment variable a launcher script sets to its own absolute path: the daemon is then started through
     * it (so it picks the daemon's JVM flags) instead of with this JVM's command line.
     */
    static final String LAUNCHER_ENV = "JSHIM_LAUNCHER";
    /** Environment variable carrying {@code jshim.daemon-jvm-options} (space-separated) to the launcher. */
    static final String DAEMON_JVM_OPTIONS_ENV = "JSHIM_DAEMON_JVM_OPTIONS";
    /**
     * Environment variable a launcher sets (to {@code 1}) when it runs {@code start} as a JVM that may become the
     * daemon itself ({@link #serve}); it then passes the shim arguments without {@code start}.
     */
    static final String SERVE_ENV = "JSHIM_START_SERVES";
    /**
     * The first line {@link #serve} prints when the start succeeded; the launcher strips it and relays the rest
     * (the address) to containerd. Anything else (a JVM or shim error) means the start failed.
     */
    static final String SERVED = "jshim: started";
    /**
     * Environment variable naming the pid whose OOM score + 1 the daemon takes instead of its parent's: a warm spare
     * ({@link SpareAction}) is not the launcher's child, so the launcher passes its own pid.
     */
    static final String OOM_REFERENCE_ENV = "JSHIM_OOM_REFERENCE_PID";
    /** The group id of {@code jshim.grouping = namespace}: one daemon per containerd namespace. */
    static final String NAMESPACE_GROUP = "jshim-namespace";
    private static final short POLLIN = 1;

    private final ShimOptions options;
    private final ShimManager manager;
    private final FrameworkSettings settings;
    private final Posix posix;
    private final Map<String, String> env;
    private final List<String> daemonCommand;

    /**
     * @param daemonCommand the full command line of the daemon (program first)
     */
    StartAction(ShimOptions options, ShimManager manager, FrameworkSettings settings, Posix posix,
            Map<String, String> env, List<String> daemonCommand) {
        this.options = requireNonNull(options, "options is null");
        this.manager = requireNonNull(manager, "manager is null");
        this.settings = requireNonNull(settings, "settings is null");
        this.posix = requireNonNull(posix, "posix is null");
        this.env = Map.copyOf(env);
        this.daemonCommand = List.copyOf(daemonCommand);
    }

    /** Starts (or finds) the daemon; returns its {@code unix://} address (see {@link #output}). */
    String run(InputStream stdin) throws Exception {
        String address = address();
        if (existingDaemon(address)) {
            return address;
        }
        return spawn(address, stdin);
    }

    /** Binds {@code address}, spawns the daemon on it and waits until it is ready; returns {@code address}. */
    private String spawn(String address, InputStream stdin) throws Exception {
        Path socket = SocketAddress.pathOf(address);
        int listenFd = posix.listenUnix(socket);
        int pid;
        PipeFds ready;
        try {
            Files.setPosixFilePermissions(socket, PosixFilePermissions.fromString("rw-------"));
            ready = posix.pipe2(FileCalls.O_CLOEXEC);
            try {
                Map<String, String> daemonEnv = new HashMap<>(env);
                daemonEnv.put(READY_FD_ENV, Integer.toString(READY_FD));
                if (!settings.daemonJvmOptions().isEmpty()) {
                    daemonEnv.put(DAEMON_JVM_OPTIONS_ENV, String.join(" ", settings.daemonJvmOptions()));
                }
                pid = posix.spawn(SpawnRequest.builder(daemonCommand.getFirst())
                        .argv(daemonCommand)
                        .env(daemonEnv)
                        .workingDirectory(options.bundle())
                        .mapFd(0, listenFd)
                        .mapFd(READY_FD, ready.writeFd())
                        .newSession(true)
                        .build());
            } finally {
                posix.close(ready.writeFd());
            }
        } catch (RuntimeException | IOException e) {
            Files.deleteIfExists(socket);
            throw new ShimException("failed to start shim daemon for " + address + ": " + e.getMessage(), e);
        } finally {
            posix.close(listenFd);
        }
        try {
            awaitReady(ready.readFd(), pid);
            adjustOomScore(pid);
            manager.daemonStarted(options, pid, stdin);
            writeBundleFiles(address);
        } catch (Exception e) {
            killQuietly(pid);
            Files.deleteIfExists(socket);
            throw e;
        } finally {
            posix.close(ready.readFd());
        }
        return address;
    }

    /**
     * The one-JVM start, for a launcher that set {@value #SERVE_ENV}: this JVM becomes the group's daemon instead of
     * spawning one, which saves a JVM start per shim. Prints {@value #SERVED}, a newline and {@code output(address)}
     * on {@code out} once the daemon serves (or when the group's daemon already runs, then returns 0), or the
     * error; the launcher relays it to containerd and leaves this JVM running. With {@code jshim.daemon-jvm-options}
     * set, the daemon needs other JVM flags than this JVM's, so it is spawned as by {@link #run}.
     *
     * @param runtimeOptions what containerd wrote on stdin (for {@link ShimManager#daemonStarted})
     * @param output         the bytes {@code start} prints for an address
     * @param daemon         the daemon to run on the bound socket, for the options it serves with (their
     *                       {@link ShimOptions#socket()} is the socket)
     * @return the exit code: the daemon's when this JVM served, else 0
     */
    int serve(byte[] runtimeOptions, PrintStream out, Function<String, byte[]> output,
            Function<ShimOptions, DaemonAction> daemon) throws Exception {
        String address = address();
        if (existingDaemon(address)) {
            printServed(out, output.apply(address));
            return 0;
        }
        if (!settings.daemonJvmOptions().isEmpty()) {
            printServed(out, output.apply(spawn(address, new ByteArrayInputStream(runtimeOptions))));
            return 0;
        }
        Path socket = SocketAddress.pathOf(address);
        Optional<ServerSocketChannel> bound = listenOrJoin(socket, address);
        if (bound.isEmpty()) {
            writeBundleFiles(address);
            printServed(out, output.apply(address));
            return 0;
        }
        ServerSocketChannel listening = bound.get();
        return daemon.apply(options.withSocket(address)).run(listening, new DaemonAction.ReadySignal() {
            @Override
            public void ready() throws Exception {
                int self = posix.getpid();
                adjustOomScore(self);
                manager.daemonStarted(options, self, new ByteArrayInputStream(runtimeOptions));
                writeBundleFiles(address);
                publishSparePolicy();
                printServed(out, output.apply(address));
            }

            @Override
            public void failed(String message) {
                out.println(manager.name() + ": " + message);
                out.flush();
            }

            @Override
            public boolean detachStdio() {
                return true;
            }
        });
    }

    /**
     * Binds the group's socket (mode 0600), or, when another start of the group bound it between the lookup and
     * here and it answers, returns empty: that daemon serves the task (Go's shim does the same on EADDRINUSE).
     * A socket this start did not bind is never removed.
     */
    static Optional<ServerSocketChannel> listenOrJoin(Path socket, String address) throws IOException {
        ServerSocketChannel listening = ServerSocketChannel.open(StandardProtocolFamily.UNIX);
        try {
            listening.bind(UnixDomainSocketAddress.of(socket));
        } catch (IOException | RuntimeException e) {
            listening.close();
            if (e instanceof BindException && answers(socket)) {
                return Optional.empty();
            }
            throw new ShimException("failed to start shim daemon for " + address + ": cannot listen on " + socket
                    + ": " + e.getMessage(), e);
        }
        try {
            Files.setPosixFilePermissions(socket, PosixFilePermissions.fromString("rw-------"));
        } catch (IOException | RuntimeException e) {
            listening.close();
            Files.deleteIfExists(socket);
            throw new ShimException("failed to start shim daemon for " + address + ": cannot set the mode of "
                    + socket + ": " + e.getMessage(), e);
        }
        return Optional.of(listening);
    }

    private static void printServed(PrintStream out, byte[] output) {
        out.print(SERVED + "\n");
        out.write(output, 0, output.length);
        out.flush();
    }

    /** The group's socket address under {@code jshim.grouping}. */
    private String address() throws Exception {
        return SocketAddress.of(options.address(), options.namespace(), groupId());
    }

    /**
     * Whether the group's daemon already serves {@code address} (then the bundle files are written); else a stale
     * socket is removed and its directory created (mode 0700) for a new one.
     */
    private boolean existingDaemon(String address) throws IOException {
        Path socket = SocketAddress.pathOf(address);
        if (Files.exists(socket)) {
            if (answers(socket)) {
                writeBundleFiles(address);
                return true;
            }
            Files.deleteIfExists(socket);
        }
        Files.createDirectories(socket.getParent(), PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rwx------")));
        return false;
    }

    /** The task's group under {@code jshim.grouping}. */
    private String groupId() throws Exception {
        return groupId(settings, manager, options);
    }

    /** The group of the task {@code options} names under {@code settings}' {@code jshim.grouping}. */
    static String groupId(FrameworkSettings settings, ShimManager manager, ShimOptions options) throws Exception {
        return switch (settings.grouping()) {
            case "namespace" -> NAMESPACE_GROUP;
            case "none" -> options.id();
            default -> manager.groupId(options);
        };
    }

    /** What {@code start} prints: plain for containerd 1.6, JSON when {@code MAX_SHIM_VERSION} is set. */
    String output(String address) {
        String max = env.get("MAX_SHIM_VERSION");
        if (max == null || max.isBlank()) {
            return address;
        }
        return bootstrapJson(address, version(max));
    }

    /** The task API version to announce: {@code jshim.address-version}, at most {@code MAX_SHIM_VERSION}. */
    int addressVersion() {
        String max = env.get("MAX_SHIM_VERSION");
        return max == null || max.isBlank() ? settings.addressVersion() : version(max);
    }

    private int version(String max) {
        try {
            return Math.min(settings.addressVersion(), Integer.parseInt(max.trim()));
        } catch (NumberFormatException e) {
            return 2;
        }
    }

    static String bootstrapJson(String address, int version) {
        return "{\"version\":" + version + ",\"address\":\"" + address.replace("\\", "\\\\").replace("\"", "\\\"")
                + "\",\"protocol\":\"ttrpc\"}";
    }

    private void writeBundleFiles(String address) throws IOException {
        writeAtomically(options.bundle().resolve("address"), address);
        String max = env.get("MAX_SHIM_VERSION");
        int version = max == null || max.isBlank() ? 2 : version(max);
        writeAtomically(options.bundle().resolve("bootstrap.json"), bootstrapJson(address, version));
    }

    private static void writeAtomically(Path target, String content) throws IOException {
        Path temp = target.resolveSibling("." + target.getFileName());
        Files.writeString(temp, content, StandardCharsets.UTF_8);
        Files.move(temp, target, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
    }

    private static boolean answers(Path socket) {
        try (SocketChannel channel = SocketChannel.open(UnixDomainSocketAddress.of(socket))) {
            return channel.isConnected();
        } catch (IOException e) {
            return false;
        }
    }

    /** Reads the ready pipe until EOF, bounded by the start timeout. */
    private void awaitReady(int readFd, int pid) {
        long deadline = System.nanoTime() + settings.startTimeout().toNanos();
        ByteArrayOutputStream received = new ByteArrayOutputStream();
        byte[] buffer = new byte[4096];
        while (true) {
            long remaining = Duration.ofNanos(deadline - System.nanoTime()).toMillis();
            if (remaining <= 0) {
                throw new ShimException("failed to start shim daemon (pid " + pid + "): not ready after "
                        + settings.startTimeout().toMillis() + " ms" + exitOf(pid));
            }
            if (posix.poll(readFd, POLLIN, (int) Math.min(remaining, Integer.MAX_VALUE)) <= 0) {
                continue;
            }
            int n = posix.read(readFd, buffer, 0, buffer.length);
            if (n <= 0) {
                break;
            }
            received.write(buffer, 0, n);
        }
        String message = received.toString(StandardCharsets.UTF_8).strip();
        if (message.equals(READY)) {
            return;
        }
        if (message.isEmpty()) {
            throw new ShimException("failed to start shim daemon (pid " + pid + "): it exited before it was ready"
                    + exitOf(pid));
        }
        throw new ShimException(message);
    }

    private String exitOf(int pid) {
        try {
            for (int i = 0; i < 20; i++) {
                Optional<io.jshim.posix.ExitStatus> status = posix.waitpidNoHang(pid);
                if (status.isPresent()) {
                    return " (" + status.get() + ")";
                }
                Thread.sleep(10);
            }
        } catch (RuntimeException | InterruptedException e) {
            return "";
        }
        return "";
    }

    private void killQuietly(int pid) {
        try {
            posix.kill(pid, io.jshim.posix.ProcessCalls.SIGKILL);
            posix.waitpidNoHang(pid);
        } catch (RuntimeException ignored) {
            // already gone
        }
    }

    /**
     * Tells the launcher whether to keep warm spares ({@link SparePolicy}); a failure only costs the next start its
     * spare, so it does not fail this one.
     */
    private void publishSparePolicy() {
        try {
            SparePolicy.publish(env, settings);
        } catch (ShimException e) {
            // no policy: the launcher starts no spare (the next start is cold)
        }
    }

    /**
     * containerd's {@code AdjustOOMScore}: the daemon gets its parent's (containerd's) score + 1, max 1000; the
     * parent is the pid named by {@value #OOM_REFERENCE_ENV} when set (a spare's launcher).
     */
    private void adjustOomScore(int pid) {
        Optional<Long> reference;
        String named = env.getOrDefault(OOM_REFERENCE_ENV, "");
        if (!named.isEmpty()) {
            try {
                reference = Optional.of(Long.parseLong(named));
            } catch (NumberFormatException e) {
                throw new ShimException("failed to adjust OOM score of shim daemon " + pid + ": $" + OOM_REFERENCE_ENV
                        + " " + named + " is not a pid");
            }
        } else {
            reference = ProcessHandle.current().parent().map(ProcessHandle::pid);
        }
        if (reference.isEmpty()) {
            return;
        }
        Path parentScore = Path.of("/proc", Long.toString(reference.get()), "oom_score_adj");
        Path daemonScore = Path.of("/proc", Integer.toString(pid), "oom_score_adj");
        try {
            int score = Integer.parseInt(Files.readString(parentScore).trim());
            Files.writeString(daemonScore, Integer.toString(Math.min(score + 1, 1000)));
        } catch (IOException | NumberFormatException e) {
            throw new ShimException("failed to adjust OOM score of shim daemon " + pid + ": " + e.getMessage(), e);
        }
    }

    /**
     * The daemon's command line: the launcher named by {@value #LAUNCHER_ENV} (an absolute path) with the shim
     * arguments minus a trailing {@code start}, else {@link #daemonCommand(List)}.
     */
    static List<String> daemonCommand(List<String> shimArgs, Map<String, String> env) {
        String launcher = env.getOrDefault(LAUNCHER_ENV, "");
        if (launcher.isEmpty()) {
            return daemonCommand(shimArgs);
        }
        if (!launcher.startsWith("/") || !Files.isExecutable(Path.of(launcher))) {
            throw new ShimException("failed to derive the daemon command line: $" + LAUNCHER_ENV + " " + launcher
                    + " is not an absolute path to an executable");
        }
        List<String> command = new ArrayList<>();
        command.add(launcher);
        command.addAll(withoutStart(shimArgs));
        return command;
    }

    /**
     * The daemon's command line: this process's own command line ({@code /proc/self/cmdline}, so it works
     * whatever launcher started the JVM) with the shim arguments minus the {@code start} action.
     */
    static List<String> daemonCommand(List<String> shimArgs) {
        List<String> self;
        try {
            String raw = Files.readString(Path.of("/proc/self/cmdline"), StandardCharsets.UTF_8);
            self = new ArrayList<>(List.of(raw.split("\0")));
        } catch (IOException e) {
            throw new UncheckedIOException("failed to read /proc/self/cmdline: " + e.getMessage(), e);
        }
        int prefix = self.size() - shimArgs.size();
        if (prefix < 1 || !self.subList(prefix, self.size()).equals(shimArgs)) {
            throw new ShimException("failed to derive the daemon command line: /proc/self/cmdline " + self
                    + " does not end with the shim arguments " + shimArgs);
        }
        List<String> command = new ArrayList<>(self.subList(0, prefix));
        if (!command.getFirst().startsWith("/")) {
            try {
                command.set(0, Path.of("/proc/self/exe").toRealPath().toString());
            } catch (IOException e) {
                throw new UncheckedIOException("failed to resolve /proc/self/exe: " + e.getMessage(), e);
            }
        }
        command.addAll(withoutStart(shimArgs));
        return command;
    }

    /** The shim arguments without a trailing {@code start} action (the one-JVM start gets none). */
    private static List<String> withoutStart(List<String> shimArgs) {
        List<String> args = new ArrayList<>(shimArgs);
        if (!args.isEmpty() && args.getLast().equals("start")) {
            args.removeLast();
        }
        return args;
    }
}
