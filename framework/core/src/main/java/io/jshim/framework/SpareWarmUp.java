package io.jshim.framework;

import static java.util.Objects.requireNonNull;

import io.jshim.api.ContainerdAny;
import io.jshim.api.runc.v1.Options;
import io.jshim.api.task.v2.ConnectRequest;
import io.jshim.api.task.v2.CreateTaskRequest;
import io.jshim.api.task.v2.ShutdownRequest;
import io.jshim.api.task.v2.TaskTtrpc;
import io.jshim.framework.config.ShimConfig;
import io.jshim.posix.Posix;
import io.jshim.ttrpc.TtrpcClient;
import io.jshim.ttrpc.TtrpcException;
import java.io.IOException;
import java.net.StandardProtocolFamily;
import java.net.UnixDomainSocketAddress;
import java.nio.channels.ServerSocketChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicReference;

/**
 * A spare's warm-up: runs the daemon once, in this JVM, on a scratch bundle and socket under {@code scratch}, and
 * drives it as containerd would at the start of a task - Connect, then a Create of a sample spec whose runtime binary
 * is {@code /bin/false} (spec parsing, runtime options, the runtime's spawn and its failure: no container is made) -
 * then Shutdown. Classes get loaded and linked, the start and Create paths run once; everything is discarded.
 */
final class SpareWarmUp {
    static final String NAMESPACE = "jshim-spare-warm-up";
    static final String TASK = "warm-up";
    private static final String SAMPLE_SPEC = """
            {"ociVersion":"1.0.2","process":{"terminal":false,"user":{"uid":0,"gid":0},"args":["/bin/true"],\
            "env":["PATH=/usr/bin:/bin"],"cwd":"/"},"root":{"path":"rootfs","readonly":true},\
            "hostname":"warm-up","annotations":{"io.kubernetes.cri.sandbox-id":"warm-up"},\
            "linux":{"namespaces":[{"type":"pid"},{"type":"mount"}]}}""";

    private final ShimManager manager;
    private final ShimConfig config;
    private final Posix posix;
    private final Map<String, String> env;

    SpareWarmUp(ShimManager manager, ShimConfig config, Posix posix, Map<String, String> env) {
        this.manager = requireNonNull(manager, "manager is null");
        this.config = requireNonNull(config, "config is null");
        this.posix = requireNonNull(posix, "posix is null");
        this.env = Map.copyOf(env);
    }

    /**
     * Runs the warm-up in {@code scratch} (created, then removed) within {@code bound}.
     *
     * @throws ShimException when the scratch daemon does not start or stop
     */
    void run(Path scratch, Duration bound) throws Exception {
        Path bundle = scratch.resolve("bundle");
        Files.createDirectories(bundle.resolve("rootfs"));
        Files.writeString(bundle.resolve("config.json"), SAMPLE_SPEC);
        Path socket = scratch.resolve("s");
        // containerd's event socket: nothing listens there (the warm-up's failed Create publishes no event)
        Path events = scratch.resolve("containerd.sock.ttrpc");
        ShimOptions options = new ShimOptions(NAMESPACE, TASK, bundle, false, "", "", events.toString(),
                "unix://" + socket, "");
        manager.groupId(options);
        ServerSocketChannel listening = ServerSocketChannel.open(StandardProtocolFamily.UNIX);
        listening.bind(UnixDomainSocketAddress.of(socket));
        CountDownLatch ready = new CountDownLatch(1);
        AtomicReference<String> failure = new AtomicReference<>();
        AtomicReference<Integer> exit = new AtomicReference<>();
        DaemonAction daemon = new DaemonAction(options, manager, config, posix, env);
        Thread thread = Thread.ofPlatform().name("spare-warm-up").start(() -> exit.set(daemon.run(listening,
                new DaemonAction.ReadySignal() {
                    @Override
                    public void ready() {
                        ready.countDown();
                    }

                    @Override
                    public void failed(String message) {
                        failure.set(message);
                        ready.countDown();
                    }
                })));
        try {
            if (!ready.await(bound.toMillis(), TimeUnit.MILLISECONDS)) {
                throw new ShimException("failed to warm up the spare: its scratch daemon was not ready after " + bound);
            }
            if (failure.get() != null) {
                throw new ShimException("failed to warm up the spare: " + failure.get());
            }
            try (TtrpcClient client = TtrpcClient.connect(socket)) {
                TaskTtrpc.TaskBlockingStub task = TaskTtrpc.newBlockingStub(client).withDeadline(bound);
                task.connect(ConnectRequest.newBuilder().setId(TASK).build());
                try {
                    task.create(CreateTaskRequest.newBuilder().setId(TASK).setBundle(bundle.toString())
                            .setOptions(ContainerdAny.pack(Options.newBuilder().setBinaryName("/bin/false").build()))
                            .build());
                } catch (TtrpcException expected) {
                    // /bin/false is the runtime: the create fails after the paths ran
                }
                try {
                    task.shutdown(ShutdownRequest.newBuilder().setId(TASK).setNow(true).build());
                } catch (TtrpcException e) {
                    // the daemon may close the connection as it shuts down
                }
            }
            thread.join(bound.plus(config.framework().shutdownTimeout()));
            if (thread.isAlive()) {
                throw new ShimException("failed to warm up the spare: its scratch daemon did not stop within "
                        + bound.plus(config.framework().shutdownTimeout()));
            }
        } finally {
            listening.close();
            deleteTree(scratch);
        }
    }

    static void deleteTree(Path dir) throws IOException {
        if (!Files.exists(dir, java.nio.file.LinkOption.NOFOLLOW_LINKS)) {
            return;
        }
        try (var paths = Files.walk(dir)) {
            for (Path path : paths.sorted(java.util.Comparator.reverseOrder()).toList()) {
                Files.deleteIfExists(path);
            }
        }
    }
}
