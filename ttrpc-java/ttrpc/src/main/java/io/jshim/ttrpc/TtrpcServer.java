package io.jshim.ttrpc;

import static java.util.Objects.requireNonNull;

import java.io.IOException;
import java.net.StandardProtocolFamily;
import java.net.UnixDomainSocketAddress;
import java.nio.channels.ClosedChannelException;
import java.nio.channels.ServerSocketChannel;
import java.nio.channels.SocketChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ScheduledThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A TTRPC server on Unix-domain sockets. Each connection is read by one virtual thread; each request
 * runs on its own virtual thread, so many requests per connection are in flight and answered in any
 * order.
 *
 * <pre>{@code
 * TtrpcServer server = TtrpcServer.builder()
 *         .addService(new MyTaskService())          // a generated FooImplBase subclass
 *         .intercept(new LoggingInterceptor())      // first registered = outermost
 *         .build();
 * server.serve(Path.of("/run/shim.sock"));          // or server.serve(inheritedChannel)
 * ...
 * server.shutdown(Duration.ofSeconds(5));
 * }</pre>
 */
public final class TtrpcServer implements AutoCloseable {

    private static final Logger log = LoggerFactory.getLogger(TtrpcServer.class);

    private final ServerSettings settings;
    private final CallDispatcher dispatcher;
    private final ScheduledThreadPoolExecutor timers;
    private final Set<ServerSocketChannel> listeners = ConcurrentHashMap.newKeySet();
    private final List<Thread> acceptors = new ArrayList<>();
    private final Map<Long, ServerConnection> connections = new ConcurrentHashMap<>();
    private final Set<Path> ownedSocketFiles = ConcurrentHashMap.newKeySet();
    private final AtomicLong connectionIds = new AtomicLong();
    private final Object stateLock = new Object();
    private Thread watchdog;
    private boolean shutdown;

    private TtrpcServer(ServerSettings settings, CallDispatcher dispatcher) {
        this.settings = settings;
        this.dispatcher = dispatcher;
        this.timers = new ScheduledThreadPoolExecutor(1, Thread.ofVirtual().name("ttrpc-deadlines").factory());
        this.timers.setRemoveOnCancelPolicy(true);
    }

    /** @return a builder with the defaults: same-user peers, 10s read and write timeouts */
    public static Builder builder() {
        return new Builder();
    }

    /**
     * Creates a Unix socket at the path (mode 0600; a stale socket file is replaced) and serves it on
     * a virtual thread. Returns once the socket listens.
     *
     * @param socketPath where to listen
     * @throws IOException when the socket cannot be created
     */
    public void serve(Path socketPath) throws IOException {
        requireNonNull(socketPath, "socketPath is null");
        Files.deleteIfExists(socketPath);
        ServerSocketChannel server = ServerSocketChannel.open(StandardProtocolFamily.UNIX);
        try {
            server.bind(UnixDomainSocketAddress.of(socketPath));
            Files.setPosixFilePermissions(socketPath, PosixFilePermissions.fromString("rw-------"));
        } catch (IOException e) {
            server.close();
            throw new IOException("failed to listen on ttrpc socket " + socketPath + ": " + e.getMessage(), e);
        }
        ownedSocketFiles.add(socketPath);
        serve(server);
    }

    /**
     * Serves an already-listening Unix-domain channel, e.g. {@code System.inheritedChannel()} in a
     * shim daemon. The server closes it at shutdown.
     *
     * @param listening a bound Unix-domain server channel in blocking mode
     */
    public void serve(ServerSocketChannel listening) {
        requireNonNull(listening, "listening is null");
        synchronized (stateLock) {
            if (shutdown) {
                throw new IllegalStateException("server is shut down");
            }
            listeners.add(listening);
            if (watchdog == null) {
                watchdog = Thread.ofVirtual().name("ttrpc-watchdog").start(this::watch);
            }
            acceptors.add(Thread.ofVirtual().name("ttrpc-accept").start(() -> accept(listening)));
        }
    }

    private void accept(ServerSocketChannel listening) {
        String where = String.valueOf(localAddress(listening));
        log.info("serving ttrpc address={}", where);
        while (true) {
            SocketChannel channel;
            try {
                channel = listening.accept();
            } catch (ClosedChannelException e) {
                return;
            } catch (IOException e) {
                if (!listening.isOpen()) {
                    return;
                }
                log.error("failed to accept ttrpc connection address={} error=\"{}\"", where, e.toString());
                sleepQuietly(Duration.ofMillis(50));
                continue;
            }
            startConnection(channel);
        }
    }

    private void startConnection(SocketChannel channel) {
        long id = connectionIds.incrementAndGet();
        ServerConnection connection = new ServerConnection(id, channel, settings, dispatcher, timers,
                () -> connections.remove(id));
        synchronized (stateLock) {
            if (shutdown) {
                connection.close();
                return;
            }
            connections.put(id, connection);
        }
        Thread.ofVirtual().name("ttrpc-conn-" + id).start(connection::serve);
    }

    private void watch() {
        try {
            while (true) {
                Thread.sleep(settings.watchdogInterval());
                long now = System.nanoTime();
                connections.values().forEach(c -> c.checkStalled(now));
            }
        } catch (InterruptedException e) {
            // shutdown
        }
    }

    /** @return the number of open connections */
    public int connectionCount() {
        return connections.size();
    }

    /** @return the number of requests being served on all connections */
    public int activeCallCount() {
        return connections.values().stream().mapToInt(ServerConnection::activeCalls).sum();
    }

    /**
     * Stops accepting, closes idle connections at once and busy ones when their last call is answered,
     * and after the timeout closes everything that is left and interrupts running handlers. No request
     * is dispatched once shutdown began: requests read from then on are answered {@code UNAVAILABLE}.
     *
     * @param timeout how long running calls may take to finish
     * @return true when every connection closed within the timeout
     */
    public boolean shutdown(Duration timeout) {
        requireNonNull(timeout, "timeout is null");
        List<Thread> threads;
        synchronized (stateLock) {
            shutdown = true;
            threads = new ArrayList<>(acceptors);
            if (watchdog != null) {
                threads.add(watchdog);
            }
        }
        for (ServerSocketChannel listener : listeners) {
            closeQuietly(listener);
        }
        listeners.clear();
        for (Path path : ownedSocketFiles) {
            try {
                Files.deleteIfExists(path);
            } catch (IOException e) {
                log.warn("failed to remove ttrpc socket path={} error=\"{}\"", path, e.toString());
            }
        }
        long end = System.nanoTime() + timeout.toNanos();
        boolean graceful;
        while (true) {
            connections.values().forEach(ServerConnection::drainAndCloseIfIdle);
            if (connections.isEmpty()) {
                graceful = true;
                break;
            }
            if (System.nanoTime() - end >= 0) {
                graceful = false;
                log.warn("ttrpc shutdown timed out after {}ms, closing connections={} calls={}",
                        timeout.toMillis(), connections.size(), activeCallCount());
                connections.values().forEach(c -> {
                    c.close(); // first: no call is admitted after it, so every running one is interrupted
                    c.interruptCalls();
                });
                break;
            }
            sleepQuietly(Duration.ofMillis(10));
        }
        threads.forEach(Thread::interrupt);
        timers.shutdownNow();
        for (Thread t : threads) {
            try {
                t.join(Duration.ofSeconds(1));
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                break;
            }
        }
        try {
            timers.awaitTermination(1, TimeUnit.SECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        return graceful;
    }

    /** Shuts down with a 5 second grace period. */
    @Override
    public void close() {
        shutdown(Duration.ofSeconds(5));
    }

    private static Object localAddress(ServerSocketChannel channel) {
        try {
            return channel.getLocalAddress();
        } catch (IOException e) {
            return "unknown";
        }
    }

    private static void closeQuietly(ServerSocketChannel channel) {
        try {
            channel.close();
        } catch (IOException e) {
            log.debug("failed to close listener: {}", e.toString());
        }
    }

    private static void sleepQuietly(Duration duration) {
        try {
            Thread.sleep(duration);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    /** Collects services, interceptors and limits. */
    public static final class Builder {
        private final Map<String, ServiceDefinition> services = new LinkedHashMap<>();
        private final List<ServerInterceptor> interceptors = new ArrayList<>();
        private PeerCredentialsCheck peerCheck;
        private Duration readTimeout = Duration.ofSeconds(10);
        private Duration writeTimeout = Duration.ofSeconds(10);
        private int maxConcurrentCallsPerConnection = 1024;
        private Duration watchdogInterval = Duration.ofMillis(250);

        private Builder() {
        }

        /**
         * @param service a service implementation (e.g. a generated {@code FooImplBase} subclass)
         * @return this builder
         * @throws IllegalArgumentException when a service of the same name is already added
         */
        public Builder addService(BindableService service) {
            requireNonNull(service, "service is null");
            return addService(service.bindService());
        }

        /**
         * @param definition a service definition
         * @return this builder
         * @throws IllegalArgumentException when a service of the same name is already added
         */
        public Builder addService(ServiceDefinition definition) {
            requireNonNull(definition, "definition is null");
            if (services.putIfAbsent(definition.name(), definition) != null) {
                throw new IllegalArgumentException("service " + definition.name() + " is already added");
            }
            return this;
        }

        /**
         * Adds an interceptor; the first added is the outermost.
         *
         * @param interceptor the interceptor
         * @return this builder
         */
        public Builder intercept(ServerInterceptor interceptor) {
            interceptors.add(requireNonNull(interceptor, "interceptor is null"));
            return this;
        }

        /**
         * @param check decides which peers may connect; default {@link PeerCredentialsCheck#sameUser()}
         * @return this builder
         */
        public Builder peerCredentialsCheck(PeerCredentialsCheck check) {
            this.peerCheck = requireNonNull(check, "check is null");
            return this;
        }

        /**
         * @param timeout how long a frame may stay half-received before the connection is closed
         * @return this builder
         */
        public Builder readTimeout(Duration timeout) {
            this.readTimeout = positive(timeout, "readTimeout");
            return this;
        }

        /**
         * @param timeout how long a response may wait for a peer that does not read before the
         *     connection is closed
         * @return this builder
         */
        public Builder writeTimeout(Duration timeout) {
            this.writeTimeout = positive(timeout, "writeTimeout");
            return this;
        }

        /**
         * @param max how many requests of one connection may run at once; further requests wait
         *     unread (backpressure)
         * @return this builder
         */
        public Builder maxConcurrentCallsPerConnection(int max) {
            if (max < 1) {
                throw new IllegalArgumentException("maxConcurrentCallsPerConnection must be positive: " + max);
            }
            this.maxConcurrentCallsPerConnection = max;
            return this;
        }

        /** @return the server, not yet serving */
        public TtrpcServer build() {
            PeerCredentialsCheck check = peerCheck != null ? peerCheck : PeerCredentialsCheck.sameUser();
            Duration interval = watchdogInterval;
            Duration shortest = readTimeout.compareTo(writeTimeout) < 0 ? readTimeout : writeTimeout;
            if (shortest.dividedBy(4).compareTo(interval) < 0) {
                interval = shortest.dividedBy(4).isZero() ? Duration.ofMillis(1) : shortest.dividedBy(4);
            }
            ServerSettings settings = new ServerSettings(check, readTimeout, writeTimeout, maxConcurrentCallsPerConnection, interval,
                    new PeerPidReader());
            return new TtrpcServer(settings, new CallDispatcher(services, interceptors));
        }

        private static Duration positive(Duration d, String name) {
            requireNonNull(d, name + " is null");
            if (d.isNegative() || d.isZero()) {
                throw new IllegalArgumentException(name + " must be positive: " + d);
            }
            return d;
        }
    }
}
