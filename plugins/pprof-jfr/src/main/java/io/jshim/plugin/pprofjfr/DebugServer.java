package io.jshim.plugin.pprofjfr;

import static java.util.Objects.requireNonNull;

import java.io.IOException;
import java.net.StandardProtocolFamily;
import java.net.UnixDomainSocketAddress;
import java.nio.channels.SocketChannel;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Duration;
import org.eclipse.jetty.server.HttpConfiguration;
import org.eclipse.jetty.server.HttpConnectionFactory;
import org.eclipse.jetty.server.Server;
import org.eclipse.jetty.unixdomain.server.UnixDomainServerConnector;
import org.eclipse.jetty.util.VirtualThreads;
import org.eclipse.jetty.util.thread.QueuedThreadPool;
import org.eclipse.jetty.util.thread.ScheduledExecutorScheduler;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The shim's debug endpoint: HTTP on a Unix socket (mode 0600) serving flight recordings, thread and heap dumps and
 * VM facts, the JVM's counterpart of the Go shim's {@code net/http/pprof} debug socket.
 *
 * <p>Requests run on virtual threads; Jetty keeps at most {@value #MAX_PLATFORM_THREADS} platform threads (its
 * selector among them) plus its timer thread, all named {@code jshim-debug-*}. Dumps are written into {@code stateDir}, streamed back and deleted.
 *
 * <pre>{@code
 * try (DebugServer server = new DebugServer(Path.of("/run/containerd/s/abc.debug"), stateDir)) {
 *     server.start();
 *     ...
 * }
 * }</pre>
 */
public final class DebugServer implements AutoCloseable {
    private static final Logger log = LoggerFactory.getLogger(DebugServer.class);
    private static final int MAX_PLATFORM_THREADS = 4;
    private static final Duration IDLE_TIMEOUT = Duration.ofMinutes(5);
    private static final Duration STOP_TIMEOUT = Duration.ofSeconds(2);
    private static final String STAGED_SOCKET_NAME = "s";
    private static final int S_IFMT = 0170000;
    private static final int S_IFSOCK = 0140000;

    private final Path socketPath;
    private final Path stateDir;
    private final JfrRecorder recorder;
    private final Server server;
    private final UnixDomainServerConnector connector;

    /**
     * Prepares a server; nothing is bound and no thread is started until {@link #start()}.
     *
     * @param socketPath where to bind the Unix socket
     * @param stateDir a directory of the plugin for dumps in flight and the flight recorder's repository
     */
    public DebugServer(Path socketPath, Path stateDir) {
        this.socketPath = requireNonNull(socketPath, "socketPath is null").toAbsolutePath();
        this.stateDir = requireNonNull(stateDir, "stateDir is null").toAbsolutePath();
        DiagnosticCommands commands = new DiagnosticCommands();
        ScratchFiles scratch = new ScratchFiles(this.stateDir);
        this.recorder = new JfrRecorder(this.stateDir.resolve("jfr-repository"), commands);

        QueuedThreadPool threads = new QueuedThreadPool(MAX_PLATFORM_THREADS, 1);
        threads.setName("jshim-debug");
        threads.setReservedThreads(0);
        threads.setVirtualThreadsExecutor(VirtualThreads.getNamedVirtualThreadsExecutor("jshim-debug-request-"));
        this.server = new Server(threads, new ScheduledExecutorScheduler("jshim-debug-scheduler", true), null);
        server.setStopTimeout(STOP_TIMEOUT.toMillis());

        HttpConfiguration http = new HttpConfiguration();
        http.setSendServerVersion(false);
        this.connector = new UnixDomainServerConnector(server, 0, 1, new HttpConnectionFactory(http));
        connector.setIdleTimeout(IDLE_TIMEOUT.toMillis());
        server.addConnector(connector);
        server.setHandler(new DebugRouter(DebugEndpoints.routes(scratch, recorder, commands)));
    }

    /**
     * Binds the socket with mode 0600 and starts serving. The socket is bound in a private directory, restricted,
     * and then renamed into place, so it is never reachable with a wider mode.
     *
     * @throws DebugServerException when the socket path is in use or the server does not start
     */
    public void start() {
        Path staging = null;
        try {
            Path parent = socketPath.getParent();
            Files.createDirectories(parent);
            removeStaleSocket();
            staging = Files.createTempDirectory(parent, ".debug-", PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rwx------")));
            Path staged = staging.resolve(STAGED_SOCKET_NAME);
            connector.setUnixDomainPath(staged);
            server.start();
            Files.setPosixFilePermissions(staged, PosixFilePermissions.fromString("rw-------"));
            Files.move(staged, socketPath, StandardCopyOption.ATOMIC_MOVE);
            log.info("debug server listening socket={} stateDir={}", socketPath, stateDir);
        } catch (DebugServerException e) {
            throw e;
        } catch (Exception e) {
            DebugServerException failure = new DebugServerException("failed to start debug server on " + socketPath + ": " + e, e);
            stopQuietly(failure);
            throw failure;
        } finally {
            if (staging != null) {
                deleteQuietly(staging.resolve(STAGED_SOCKET_NAME));
                deleteQuietly(staging);
            }
        }
    }

    /** The path of the Unix socket the server listens on. */
    public Path socketPath() {
        return socketPath;
    }

    /** Stops serving, discards any flight recording and removes the socket. */
    @Override
    public void close() {
        DebugServerException failure = new DebugServerException("failed to stop debug server on " + socketPath, null);
        stopQuietly(failure);
        try {
            recorder.close();
        } catch (RuntimeException e) {
            failure.addSuppressed(e);
        }
        if (failure.getSuppressed().length > 0) {
            throw failure;
        }
        log.info("debug server stopped socket={}", socketPath);
    }

    private void stopQuietly(DebugServerException failure) {
        try {
            server.stop();
        } catch (Exception e) {
            failure.addSuppressed(e);
        }
        try {
            Files.deleteIfExists(socketPath);
        } catch (IOException e) {
            failure.addSuppressed(e);
        }
    }

    /** Deletes a socket file left by a crashed shim; refuses when something answers on it or it is not a socket. */
    private void removeStaleSocket() throws IOException {
        if (!Files.exists(socketPath, LinkOption.NOFOLLOW_LINKS)) {
            return;
        }
        if (!isSocket(socketPath)) {
            throw new DebugServerException("failed to start debug server on " + socketPath + ": the path exists and is not a socket", null);
        }
        try (SocketChannel probe = SocketChannel.open(StandardProtocolFamily.UNIX)) {
            probe.connect(UnixDomainSocketAddress.of(socketPath));
            throw new DebugServerException("failed to start debug server on " + socketPath + ": another process listens on it", null);
        } catch (IOException refused) {
            log.info("removing stale debug socket={}", socketPath);
            Files.deleteIfExists(socketPath);
        }
    }

    private static boolean isSocket(Path path) throws IOException {
        int mode = (Integer) Files.getAttribute(path, "unix:mode", LinkOption.NOFOLLOW_LINKS);
        return (mode & S_IFMT) == S_IFSOCK;
    }

    private static void deleteQuietly(Path path) {
        try {
            Files.deleteIfExists(path);
        } catch (IOException e) {
            log.warn("failed to delete staging path={}: {}", path, e.toString());
        }
    }
}
