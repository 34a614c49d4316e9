package io.jshim.framework;

import io.jshim.framework.config.ShimConfig;
import io.jshim.framework.registry.PluginDiscovery;
import io.jshim.framework.registry.PluginRegistry;
import io.jshim.posix.Posix;
import io.jshim.posix.PosixImplementation;
import java.io.IOException;
import java.io.InputStream;
import java.io.PrintStream;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * The Java {@code shim.Run}: the whole shim binary behind one call from the runtime's {@code main}.
 *
 * <pre>{@code
 * public static void main(String[] args) {
 *     Shim.run(new JruncManager(), args);   // never returns
 * }
 * }</pre>
 *
 * <p>Flags as containerd passes them ({@code -namespace -id -address -publish-binary -bundle -socket
 * -debug-socket -debug -v -info}, plus {@code -print-config}); actions {@code start}, {@code delete}, or
 * none (the daemon). An error prints {@code <runtime name>: <message>} on stderr and exits 1.
 *
 * <p>For launcher scripts: with {@code JSHIM_START_SERVES=1} and the arguments without {@code start}, the JVM runs
 * {@code start} and becomes the daemon itself (one JVM per shim instead of two): it prints
 * {@code jshim: started}, a newline and the address, then points stdout and stderr at {@code /dev/null} or the
 * bundle's log; any other output is an error. {@code containerd-shim-jrunc-v2}'s launcher shows how to relay
 * that to containerd. {@code delete} answers from the bundle's {@link DeleteRecord} when a task plugin wrote one.
 */
public final class Shim {
    private Shim() {
    }

    /** Runs the shim for {@code args} and exits the JVM with its exit code. */
    public static void run(ShimManager manager, String[] args) {
        int code = execute(manager, List.of(args), System.getenv(), System.in, System.out, System.err);
        System.out.flush();
        System.exit(code);
    }

    /** Runs the shim and returns its exit code (the JVM keeps running). */
    public static int execute(ShimManager manager, List<String> args, Map<String, String> env, InputStream stdin,
            PrintStream out, PrintStream err) {
        String binary = binaryName(manager.name());
        if (SpareAction.isSpare(args, env)) {
            try {
                ShimConfig config = ShimConfig.load(env, Shim.class.getClassLoader());
                return new SpareAction(manager, config, posix(config), env,
                        (request, served, becomingDaemon) -> serveHandedOff(manager, request, served, config,
                                becomingDaemon)).run();
            } catch (Exception e) {
                err.println(errorLine(manager, e));
                return 1;
            }
        }
        ShimFlags flags;
        try {
            flags = ShimFlags.parse(args);
        } catch (ShimFlags.FlagException e) {
            err.println(manager.name() + ": " + e.getMessage());
            err.print(ShimFlags.usage(binary));
            return 1;
        }
        try {
            if (flags.version()) {
                out.printf("%s:%n  Version:  %s%n  Revision: %s%n  Java version: %s%n%n", binary, manager.version(),
                        manager.revision(), Runtime.version());
                return 0;
            }
            if (flags.info()) {
                out.write(manager.info(stdin).toByteArray());
                out.flush();
                return 0;
            }
            ShimConfig config = ShimConfig.load(env, Shim.class.getClassLoader());
            if (flags.printConfig()) {
                printConfig(config, out);
                return 0;
            }
            ShimOptions options = options(flags, env);
            return switch (flags.action()) {
                case "start" -> {
                    start(manager, args, env, stdin.readAllBytes(), out, config, options);
                    yield 0;
                }
                case "delete" -> {
                    byte[] response = DeleteRecord.read(options.bundle()).orElse(null);
                    if (response == null) {
                        response = DeleteRecord.encode(manager.delete(options)).toByteArray();
                    }
                    removeDebugSockets(options, err);
                    out.write(response);
                    out.flush();
                    yield 0;
                }
                default -> servesStart(env)
                        ? startAndServe(manager, args, env, stdin.readAllBytes(), out, config, options)
                        : new DaemonAction(options, manager, config, posix(config), env).run();
            };
        } catch (Exception e) {
            err.println(errorLine(manager, e));
            return 1;
        }
    }

    /**
     * The {@code start} action: with containerd 2.3's {@code BootstrapParams} on stdin, prints a
     * {@code BootstrapResult} protobuf; else the legacy output (plain address, or JSON with
     * {@code MAX_SHIM_VERSION}).
     */
    private static void start(ShimManager manager, List<String> args, Map<String, String> env, byte[] input,
            PrintStream out, ShimConfig config, ShimOptions options) throws Exception {
        StartInput start = StartInput.of(input, options, env);
        StartAction action = new StartAction(start.options(), manager, config.framework(), posix(config),
                start.daemonEnv(), StartAction.daemonCommand(args, env));
        String address = action.run(new java.io.ByteArrayInputStream(start.runtimeOptions()));
        out.write(startOutput(action, start.bootstrap(), address));
        out.flush();
    }

    /**
     * What containerd's {@code start} input amounts to: the options (with 2.3's {@code BootstrapParams} applied),
     * the daemon's environment, and the runtime options for {@link ShimManager#daemonStarted}.
     */
    private record StartInput(boolean bootstrap, ShimOptions options, Map<String, String> daemonEnv,
            byte[] runtimeOptions) {
        static StartInput of(byte[] input, ShimOptions options, Map<String, String> env) {
            var params = BootstrapProtocol.parse(input, options.id(), options.namespace());
            ShimOptions applied = params.map(p -> BootstrapProtocol.apply(p, options)).orElse(options);
            return new StartInput(params.isPresent(), applied,
                    params.isPresent() ? BootstrapProtocol.daemonEnv(applied, env) : env,
                    params.map(BootstrapProtocol::runtimeOptions).orElse(input));
        }
    }

    /** Whether a launcher asked this JVM to run {@code start} and become the daemon (see {@link StartAction#serve}). */
    private static boolean servesStart(Map<String, String> env) {
        return "1".equals(env.get(StartAction.SERVE_ENV)) && !env.containsKey(StartAction.READY_FD_ENV);
    }

    /**
     * The one-JVM {@code start}: the launcher passed the shim arguments without {@code start} and set
     * {@value StartAction#SERVE_ENV}; this JVM starts the daemon's work itself (see {@link StartAction#serve}).
     */
    private static int startAndServe(ShimManager manager, List<String> args, Map<String, String> env, byte[] input,
            PrintStream out, ShimConfig config, ShimOptions options) throws Exception {
        return startAndServe(manager, args, env, input, out, config, options, () -> { });
    }

    /** {@link #startAndServe}; {@code becomingDaemon} runs when this JVM starts serving as the group's daemon. */
    private static int startAndServe(ShimManager manager, List<String> args, Map<String, String> env, byte[] input,
            PrintStream out, ShimConfig config, ShimOptions options, Runnable becomingDaemon) throws Exception {
        StartInput start = StartInput.of(input, options, env);
        Map<String, String> daemonEnv = new java.util.HashMap<>(start.daemonEnv());
        daemonEnv.remove(StartAction.SERVE_ENV);
        Posix posix = posix(config);
        StartAction action = new StartAction(start.options(), manager, config.framework(), posix, daemonEnv,
                StartAction.daemonCommand(args, env));
        try {
            return action.serve(start.runtimeOptions(), out, address -> startOutput(action, start.bootstrap(), address),
                    served -> {
                        becomingDaemon.run();
                        return new DaemonAction(served, manager, config, posix, daemonEnv);
                    });
        } catch (Exception e) {
            // the launcher relays stdout only; the error goes there (the exit code says it failed)
            out.println(errorLine(manager, e));
            out.flush();
            return 1;
        }
    }

    /**
     * A start handed to a warm spare ({@link SpareAction}): the one-JVM start of {@link #startAndServe} with the
     * launcher's arguments, environment, working directory (the bundle) and stdin, the OOM score taken from the
     * launcher's pid, and the configuration the spare loaded (the launcher only hands a start to a spare of the same
     * installation fingerprint, which includes the configuration file's identity).
     */
    private static SpareAction.Outcome serveHandedOff(ShimManager manager, HandoffRequest request, PrintStream out,
            ShimConfig config, Runnable becomingDaemon) throws Exception {
        ShimFlags flags;
        try {
            flags = ShimFlags.parse(request.args());
        } catch (ShimFlags.FlagException e) {
            out.println(manager.name() + ": " + e.getMessage());
            out.flush();
            return new SpareAction.Outcome(false, 1);
        }
        Map<String, String> env = new java.util.HashMap<>(request.env());
        env.put(StartAction.SERVE_ENV, "1");
        env.put(StartAction.OOM_REFERENCE_ENV, Integer.toString(request.oomPid()));
        java.util.concurrent.atomic.AtomicBoolean daemon = new java.util.concurrent.atomic.AtomicBoolean();
        int code = startAndServe(manager, request.args(), env, request.stdin(), out, config,
                options(flags, env, request.cwd()), () -> {
                    daemon.set(true);
                    becomingDaemon.run();
                });
        return new SpareAction.Outcome(daemon.get(), code);
    }

    /** {@code <runtime name>: <message>}: a {@link ShimException}'s message, else the exception itself. */
    private static String errorLine(ShimManager manager, Exception e) {
        return manager.name() + ": " + (e instanceof ShimException ? e.getMessage() : e.toString());
    }

    /** What {@code start} prints for {@code address}: a BootstrapResult (containerd 2.3), else the legacy text. */
    private static byte[] startOutput(StartAction action, boolean bootstrap, String address) {
        return bootstrap ? BootstrapProtocol.result(address, action.addressVersion())
                : action.output(address).getBytes(java.nio.charset.StandardCharsets.UTF_8);
    }

    /**
     * Go's {@code cleanupSockets} for the debug endpoint: {@code -debug-socket}, else the task socket's
     * {@code .debug} sibling ({@code SocketAddress(address, namespace, id) + ".debug"}). Best effort: a failure
     * is reported on stderr (containerd logs it) and does not fail the delete.
     */
    private static void removeDebugSockets(ShimOptions options, PrintStream err) {
        java.util.List<Path> paths = new java.util.ArrayList<>();
        if (!options.debugSocket().isEmpty()) {
            paths.add(SocketAddress.pathOf(options.debugSocket()));
        }
        if (!options.address().isEmpty()) {
            Path task = SocketAddress.path(options.address(), options.namespace(), options.id());
            paths.add(task.resolveSibling(task.getFileName() + ".debug"));
        }
        for (Path path : paths) {
            try {
                java.nio.file.Files.deleteIfExists(path);
            } catch (IOException e) {
                err.println("failed to remove debug socket " + path + ": " + e.getMessage());
            }
        }
    }

    /** containerd's {@code BinaryName}: {@code io.containerd.jrunc.v2} -> {@code containerd-shim-jrunc-v2}. */
    static String binaryName(String runtime) {
        String[] parts = runtime.split("\\.");
        if (parts.length < 2) {
            return runtime;
        }
        return "containerd-shim-" + parts[parts.length - 2] + "-" + parts[parts.length - 1];
    }

    private static ShimOptions options(ShimFlags flags, Map<String, String> env) throws IOException {
        return options(flags, env, Path.of("").toAbsolutePath());
    }

    /** The options of {@code flags}; {@code cwd} (absolute) is the bundle without {@code -bundle}, as containerd's. */
    private static ShimOptions options(ShimFlags flags, Map<String, String> env, Path cwd) {
        Path bundle = flags.bundle().isEmpty() ? cwd : cwd.resolve(flags.bundle()).normalize();
        return new ShimOptions(flags.namespace(), flags.id(), bundle, flags.debug(), flags.address(),
                flags.publishBinary(), env.getOrDefault("TTRPC_ADDRESS", ""), flags.socket(), flags.debugSocket());
    }

    private static Posix posix(ShimConfig config) {
        return PosixImplementation.fromConfig(config.framework().posix()).create();
    }

    private static void printConfig(ShimConfig config, PrintStream out) {
        PluginDiscovery discovery = new PluginDiscovery(Shim.class.getClassLoader(),
                config.framework().pluginsDir().isBlank() ? Optional.empty() : Optional.of(Path.of(config.framework().pluginsDir())));
        var discovered = discovery.discover();
        ShimConfig effective = config.withReferencesFrom(discovery.jarLoaders());
        PluginRegistry registry = new PluginRegistry(discovered, effective);
        out.println("# configuration file: " + effective.file().map(Path::toString).orElse("(none; defaults)"));
        out.println(effective.render());
        out.println("# plugins in start order (scanned " + discovery.scanned() + "):");
        out.print(registry.describe());
        out.flush();
    }
}
