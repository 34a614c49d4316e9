package io.jshim.framework;

import static java.util.Objects.requireNonNull;

import io.jshim.framework.config.ShimConfig;
import io.jshim.framework.logging.ShimLogging;
import io.jshim.framework.plugin.ShutdownService;
import io.jshim.framework.registry.DiscoveredPlugin;
import io.jshim.framework.registry.LoadedPlugins;
import io.jshim.framework.registry.PluginDiscovery;
import io.jshim.framework.registry.PluginRegistry;
import io.jshim.posix.FileCalls;
import io.jshim.posix.Posix;
import io.jshim.posix.ProcessLauncher;
import io.jshim.posix.ProcessReaper;
import io.jshim.ttrpc.BindableService;
import io.jshim.ttrpc.ServerInterceptor;
import io.jshim.ttrpc.TtrpcServer;
import java.io.IOException;
import java.net.UnixDomainSocketAddress;
import java.nio.channels.Channel;
import java.nio.channels.ServerSocketChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.CountDownLatch;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The daemon (no action): log to the bundle's {@code log} FIFO, become a child subreaper and start the
 * {@link ProcessReaper} (bound for plugins with {@link Posix} and {@link ProcessLauncher}), start the
 * plugins in graph order, serve every plugin's TTRPC services on the listening socket inherited as fd 0
 * (or {@code -socket}), report ready on the ready pipe, and run until the shutdown service triggers
 * (Shutdown RPC) or SIGTERM/SIGINT arrives; then stop the server, close the plugins in reverse order and
 * remove the socket, all within {@code jshim.shutdown-timeout}. SIGUSR1 logs every thread's stack.
 */
final class DaemonAction {
    private final ShimOptions options;
    private final ShimManager manager;
    private final ShimConfig config;
    private final Posix posix;
    private final Map<String, String> env;
    private final CountDownLatch signalled = new CountDownLatch(1);
    private Logger log;

    DaemonAction(ShimOptions options, ShimManager manager, ShimConfig config, Posix posix, Map<String, String> env) {
        this.options = requireNonNull(options, "options is null");
        this.manager = requireNonNull(manager, "manager is null");
        this.config = requireNonNull(config, "config is null");
        this.posix = requireNonNull(posix, "posix is null");
        this.env = Map.copyOf(env);
    }

    /**
     * How the daemon tells whoever started it that it serves, or why it could not: the start process's ready pipe,
     * or, when the daemon is the start JVM itself ({@link StartAction#serve}), containerd's start output.
     */
    interface ReadySignal {
        /** The daemon serves; an exception fails the start (the daemon then stops and reports it to failed). */
        void ready() throws Exception;

        /** The daemon could not start; it exits after this. */
        void failed(String message);

        /**
         * Whether stdout and stderr still lead to the start's caller (containerd waits for them to close): after
         * ready they are pointed at {@code /dev/null}, stderr at the bundle's log FIFO when there is one.
         */
        default boolean detachStdio() {
            return false;
        }
    }

    /** Runs the daemon started by the start action: listening socket on fd 0 (or -socket), ready pipe; returns the exit code. */
    int run() {
        int readyFd = readyFd();
        return run(null, new ReadySignal() {
            @Override
            public void ready() {
                DaemonAction.this.ready(readyFd, StartAction.READY);
            }

            @Override
            public void failed(String message) {
                DaemonAction.this.ready(readyFd, message);
            }
        });
    }

    /**
     * Runs the daemon on {@code bound} (or, when null, the inherited or {@code -socket} listening socket) and
     * reports to {@code signal}; returns the exit code.
     */
    int run(ServerSocketChannel bound, ReadySignal signal) {
        boolean reported = false;
        LoadedPlugins plugins = null;
        TtrpcServer server = null;
        ProcessReaper reaper = null;
        Path socketPath = null;
        Optional<JoinRecord> joinRecord = Optional.empty();
        long began = System.nanoTime();
        try {
            boolean stderrOnLog = redirectStderrToLogFifo(signal.detachStdio());
            ShimLogging.configure(options.debug() ? "debug" : config.framework().logLevel(),
                    Map.of("runtime", manager.name()));
            log = LoggerFactory.getLogger(DaemonAction.class);
            posix.setChildSubreaper();
            reaper = new ProcessReaper(posix);
            reaper.start();
            ProcessReaper startedReaper = reaper;
            ProcessLauncher launcher = new ProcessLauncher(posix, reaper);
            ServerSocketChannel listening = bound != null ? bound : listeningChannel();
            socketPath = localPath(listening);

            PluginDiscovery discovery = new PluginDiscovery(Shim.class.getClassLoader(), pluginsDir());
            List<DiscoveredPlugin> discovered = discovery.discover();
            ShimConfig effective = config.withReferencesFrom(discovery.jarLoaders());
            long configured = System.nanoTime();
            PluginRegistry registry = new PluginRegistry(discovered, effective);
            plugins = registry.start(options, binder -> {
                binder.bind(Posix.class).toInstance(posix);
                binder.bind(ProcessReaper.class).toInstance(startedReaper);
                binder.bind(ProcessLauncher.class).toInstance(launcher);
            });
            long pluginsStarted = System.nanoTime();
            server = server(plugins, effective, discovery);
            server.serve(listening);
            installSignalHandlers();
            signal.ready();
            reported = true;
            long ready = System.nanoTime();
            joinRecord = publishJoinRecord(socketPath);
            if (signal.detachStdio()) {
                detachStdio(stderrOnLog);
            }
            log.atInfo().addKeyValue("pid", ProcessHandle.current().pid()).addKeyValue("namespace", options.namespace())
                    .addKeyValue("path", options.bundle()).addKeyValue("config_ms", millis(configured - began))
                    .addKeyValue("plugins_ms", millis(pluginsStarted - configured))
                    .addKeyValue("ready_ms", millis(ready - began)).log("shim daemon serving");
            awaitShutdown(plugins.exposed(ShutdownService.class));
            removeJoinRecord(joinRecord);
            int code = stop(server, plugins, socketPath);
            reaper.close();
            return code;
        } catch (Throwable e) {
            String message = e instanceof ShimException ? e.getMessage() : "failed to run shim daemon: " + e;
            if (log != null) {
                log.atError().setCause(e).log(message);
            }
            removeJoinRecord(joinRecord);
            if (!reported) {
                signal.failed(message);
            }
            if (server != null) {
                server.shutdown(Duration.ZERO);
            }
            if (plugins != null) {
                try {
                    plugins.close();
                } catch (RuntimeException closeFailure) {
                    e.addSuppressed(closeFailure);
                }
            }
            removeSocket(socketPath);
            if (reaper != null) {
                reaper.close();
            }
            return 1;
        }
    }

    /**
     * Publishes the {@link JoinRecord} of this serving daemon (when the launcher passed a fingerprint and the
     * configuration file alone decides the settings, {@link ShimConfig#selfContained}); a failure is logged and costs
     * only the launcher's shortcut.
     */
    private Optional<JoinRecord> publishJoinRecord(Path socketPath) {
        if (socketPath == null || !config.selfContained()) {
            return Optional.empty(); // settings a later start's environment may read otherwise: no join
        }
        try {
            return JoinRecord.publish(JoinRecord.DIR, socketPath, config.framework(), env, options.address(),
                    options.namespace(), StartAction.groupId(config.framework(), manager, options));
        } catch (Exception e) {
            log.atWarn().addKeyValue("dir", JoinRecord.DIR).addKeyValue("error", e.getMessage())
                    .log("failed to publish the join record: starts of this group run a JVM");
            return Optional.empty();
        }
    }

    private void removeJoinRecord(Optional<JoinRecord> record) {
        if (record.isEmpty()) {
            return;
        }
        try {
            record.get().remove();
        } catch (IOException | RuntimeException e) {
            if (log != null) {
                log.atWarn().addKeyValue("file", record.get().file()).addKeyValue("error", e.getMessage())
                        .log("failed to remove the join record");
            }
        }
    }

    private TtrpcServer server(LoadedPlugins plugins, ShimConfig effective, PluginDiscovery discovery) {
        Map<BindableService, String> services = plugins.services();
        if (services.isEmpty()) {
            throw new ShimException("failed to start shim: no plugin contributes a TTRPC service (scanned "
                    + discovery.scanned() + "; started " + plugins.started().stream().map(p -> p.uri()).toList()
                    + "; skipped " + plugins.skipped() + ")");
        }
        TtrpcServer.Builder builder = TtrpcServer.builder();
        Map<String, String> serviceOwners = new java.util.HashMap<>();
        services.forEach((service, uri) -> {
            String name = service.bindService().name();
            String previous = serviceOwners.putIfAbsent(name, uri);
            if (previous != null) {
                throw new PluginException("failed to register TTRPC service " + name + " of plugin " + uri
                        + ": already registered by plugin " + previous);
            }
            builder.addService(service);
            log.atDebug().addKeyValue("service", name).addKeyValue("id", uri).log("registering ttrpc service");
        });
        for (ServerInterceptor interceptor : plugins.interceptors(effective.framework().interceptorOrder())) {
            builder.intercept(interceptor);
        }
        return builder.build();
    }

    private void awaitShutdown(Optional<ShutdownService> shutdown) throws InterruptedException {
        if (shutdown.isPresent()) {
            Thread.ofVirtual().name("signal-bridge").start(() -> {
                try {
                    signalled.await();
                    shutdown.get().shutdown();
                } catch (InterruptedException ignored) {
                    Thread.currentThread().interrupt();
                }
            });
            shutdown.get().awaitShutdown();
        } else {
            signalled.await();
        }
        log.info("shim daemon shutting down");
    }

    /** Bounded shutdown: server drain, plugins closed in reverse order, socket removed. */
    private int stop(TtrpcServer server, LoadedPlugins plugins, Path socketPath) {
        Duration timeout = config.framework().shutdownTimeout();
        long deadline = System.nanoTime() + timeout.toNanos();
        Thread watchdog = Thread.ofPlatform().daemon().name("shutdown-watchdog").start(() -> {
            try {
                Thread.sleep(timeout.plusMillis(500));
                log.error("shim shutdown timeout after {} ms: exiting", timeout.toMillis());
                removeSocket(socketPath);
                ShimLogging.shutdown();
                Runtime.getRuntime().halt(1);
            } catch (InterruptedException ignored) {
                // finished in time
            }
        });
        int code = 0;
        if (!server.shutdown(remaining(deadline))) {
            log.warn("ttrpc server did not drain within the shutdown timeout");
        }
        try {
            plugins.close();
        } catch (RuntimeException e) {
            log.atError().setCause(e).log("failed to close plugins");
            code = 1;
        }
        Optional<ShutdownService> shutdown = plugins.exposed(ShutdownService.class);
        try {
            if (shutdown.isPresent() && !shutdown.get().awaitDone(remaining(deadline))) {
                log.error("shim shutdown timeout: shutdown callbacks still running");
                code = 1;
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            code = 1;
        }
        removeSocket(socketPath);
        watchdog.interrupt();
        log.info("shim daemon exited");
        return code;
    }

    private static Duration remaining(long deadline) {
        long nanos = deadline - System.nanoTime();
        return nanos > 0 ? Duration.ofNanos(nanos) : Duration.ZERO;
    }

    @SuppressWarnings("removal")
    private void installSignalHandlers() {
        for (String name : List.of("TERM", "INT")) {
            sun.misc.Signal.handle(new sun.misc.Signal(name), signal -> {
                log.atInfo().addKeyValue("signal", "SIG" + name).log("received signal, shutting down");
                signalled.countDown();
            });
        }
        try {
            sun.misc.Signal.handle(new sun.misc.Signal("USR1"), signal -> dumpStacks());
        } catch (IllegalArgumentException e) {
            log.atWarn().addKeyValue("error", e.getMessage()).log("cannot dump stacks on SIGUSR1");
        }
        try {
            sun.misc.Signal.handle(new sun.misc.Signal("PIPE"), sun.misc.SignalHandler.SIG_IGN);
        } catch (IllegalArgumentException ignored) {
            // the JVM already handles SIGPIPE
        }
    }

    private void dumpStacks() {
        StringBuilder dump = new StringBuilder("=== BEGIN thread stack dump ===\n");
        Thread.getAllStackTraces().forEach((thread, stack) -> {
            dump.append('"').append(thread.getName()).append("\" #").append(thread.threadId())
                    .append(thread.isDaemon() ? " daemon" : "").append(' ').append(thread.getState()).append('\n');
            for (StackTraceElement element : stack) {
                dump.append("\tat ").append(element).append('\n');
            }
            dump.append('\n');
        });
        dump.append("=== END thread stack dump ===");
        log.info(dump.toString());
    }

    private Optional<Path> pluginsDir() {
        String dir = config.framework().pluginsDir();
        return dir.isBlank() ? Optional.empty() : Optional.of(Path.of(dir));
    }

    /**
     * The bundle's {@code log} FIFO becomes fd 2 (containerd reads it); without the FIFO stderr stays.
     *
     * @return whether stderr is now the log FIFO
     */
    /**
     * Points stderr (where the daemon logs) at the bundle's {@code log} FIFO, which containerd reads; true when it did.
     * Without that FIFO (containerd always makes it; a start run by hand may not) stderr stays, unless it is the
     * start's output ({@code startsOutput}): there a log line before the start's answer would be taken for that
     * answer, so the daemon's logs go to {@code /dev/null} instead (as they do once it serves).
     */
    private boolean redirectStderrToLogFifo(boolean startsOutput) {
        Path fifo = options.bundle().resolve("log");
        if (!Files.exists(fifo)) {
            if (startsOutput) {
                System.err.flush();
                int devNull = posix.open(Path.of("/dev/null"), FileCalls.O_WRONLY | FileCalls.O_CLOEXEC, 0);
                posix.dup2(devNull, 2);
                posix.close(devNull);
            }
            return false;
        }
        int fd = posix.open(fifo, FileCalls.O_WRONLY | FileCalls.O_CLOEXEC, 0);
        posix.dup2(fd, 2);
        posix.close(fd);
        return true;
    }

    /** Points stdout (and stderr, unless it is the log FIFO) at {@code /dev/null}: the start's caller sees EOF. */
    private void detachStdio(boolean stderrOnLog) {
        System.out.flush();
        int devNull = posix.open(Path.of("/dev/null"), FileCalls.O_WRONLY | FileCalls.O_CLOEXEC, 0);
        try {
            posix.dup2(devNull, 1);
            if (!stderrOnLog) {
                System.err.flush();
                posix.dup2(devNull, 2);
            }
        } finally {
            posix.close(devNull);
        }
    }

    private ServerSocketChannel listeningChannel() throws IOException {
        if (!options.socket().isEmpty()) {
            Path path = SocketAddress.pathOf(options.socket());
            Files.deleteIfExists(path);
            ServerSocketChannel channel = ServerSocketChannel.open(java.net.StandardProtocolFamily.UNIX);
            channel.bind(UnixDomainSocketAddress.of(path));
            Files.setPosixFilePermissions(path, java.nio.file.attribute.PosixFilePermissions.fromString("rw-------"));
            return channel;
        }
        Channel inherited = System.inheritedChannel();
        if (inherited instanceof ServerSocketChannel server) {
            return server;
        }
        throw new ShimException("failed to serve: no listening socket inherited on fd 0 (got "
                + (inherited == null ? "none" : inherited.getClass().getSimpleName())
                + ") and no -socket flag; the daemon is started by the start action");
    }

    private static Path localPath(ServerSocketChannel channel) throws IOException {
        return channel.getLocalAddress() instanceof UnixDomainSocketAddress unix ? unix.getPath() : null;
    }

    private void removeSocket(Path socketPath) {
        if (socketPath == null) {
            return;
        }
        try {
            Files.deleteIfExists(socketPath);
        } catch (IOException e) {
            if (log != null) {
                log.atWarn().addKeyValue("path", socketPath).setCause(e).log("failed to remove shim socket");
            }
        }
    }

    private int readyFd() {
        String value = env.get(StartAction.READY_FD_ENV);
        if (value == null || value.isBlank()) {
            return -1;
        }
        try {
            return Integer.parseInt(value.trim());
        } catch (NumberFormatException e) {
            return -1;
        }
    }

    private void ready(int fd, String message) {
        if (fd < 0) {
            return;
        }
        try {
            byte[] bytes = (message + "\n").getBytes(StandardCharsets.UTF_8);
            posix.write(fd, bytes, 0, bytes.length);
        } catch (RuntimeException e) {
            if (log != null) {
                log.atWarn().setCause(e).log("failed to report to the start process");
            }
        } finally {
            try {
                posix.close(fd);
            } catch (RuntimeException ignored) {
                // nothing more to do
            }
        }
    }

    private static String millis(long nanos) {
        return String.format(java.util.Locale.ROOT, "%.1f", nanos / 1e6);
    }
}
