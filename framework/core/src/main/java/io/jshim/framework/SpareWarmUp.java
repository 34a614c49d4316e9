package io.jshim.framework;

import static java.util.Objects.requireNonNull;

import io.jshim.api.ContainerdAny;
import io.jshim.api.runc.v1.Options;
import io.jshim.api.services.events.ttrpc.v1.EventsTtrpc;
import io.jshim.api.services.events.ttrpc.v1.ForwardRequest;
import io.jshim.api.task.v2.ConnectRequest;
import io.jshim.api.task.v2.CreateTaskRequest;
import io.jshim.api.task.v2.DeleteRequest;
import io.jshim.api.task.v2.ShutdownRequest;
import io.jshim.api.task.v2.StartRequest;
import io.jshim.api.task.v2.StateRequest;
import io.jshim.api.task.v2.TaskTtrpc;
import io.jshim.api.task.v2.WaitRequest;
import io.jshim.framework.config.ShimConfig;
import io.jshim.posix.Posix;
import io.jshim.ttrpc.TtrpcClient;
import io.jshim.ttrpc.TtrpcException;
import io.jshim.ttrpc.TtrpcServer;
import java.io.IOException;
import java.io.InputStream;
import java.net.StandardProtocolFamily;
import java.net.UnixDomainSocketAddress;
import java.nio.channels.ServerSocketChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Duration;
import java.util.Map;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicReference;

/**
 * A spare's warm-up: runs the daemon once, in this JVM, on a scratch bundle and socket under {@code scratch}, and
 * drives it as containerd drives a task's whole life - Connect, Create of a sample spec, State, Start, Wait for the
 * exit, Delete - then Shutdown, with an events endpoint standing in for containerd's (so the daemon's events are
 * forwarded as they will be). The runtime binary is {@code spare-warm-up-runtime.sh}, a stand-in for runc's command
 * line: its {@code create} starts a sleeping process as the task's init and {@code start} ends it, so no container is
 * made. Classes get loaded and linked, and the one-time costs of every path a real task takes (lambda and FFM call
 * sites, class initialisation, the publisher's connection) are paid here instead of on containerd's critical path;
 * everything is discarded.
 */
final class SpareWarmUp {
    static final String NAMESPACE = "jshim-spare-warm-up";
    static final String TASK = "warm-up";
    private static final String RUNTIME = "spare-warm-up-runtime.sh";
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
        Path runtime = writeRuntime(scratch);
        Path socket = scratch.resolve("s");
        // containerd's event socket: a stand-in that accepts every forwarded event
        Path events = scratch.resolve("containerd.sock.ttrpc");
        TtrpcServer eventSink = TtrpcServer.builder().addService(new EventSink()).build();
        eventSink.serve(events);
        ShimOptions options = new ShimOptions(NAMESPACE, TASK, bundle, false, "", "", events.toString(),
                "unix://" + socket, "");
        // what a start computes first, its group and socket address: SHA-256's first use (~6 ms) is paid here
        SocketAddress.of(events.toString(), NAMESPACE, manager.groupId(options));
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
                try {
                    lifecycle(task, bundle, runtime);
                } finally {
                    try {
                        task.shutdown(ShutdownRequest.newBuilder().setId(TASK).setNow(true).build());
                    } catch (TtrpcException e) {
                        // the daemon may close the connection as it shuts down
                    }
                }
            }
            thread.join(bound.plus(config.framework().shutdownTimeout()));
            if (thread.isAlive()) {
                throw new ShimException("failed to warm up the spare: its scratch daemon did not stop within "
                        + bound.plus(config.framework().shutdownTimeout()));
            }
        } finally {
            listening.close();
            eventSink.close();
            deleteTree(scratch);
        }
    }

    /** A task's life as containerd drives it; a failing call fails the warm-up (the spare then exits). */
    private static void lifecycle(TaskTtrpc.TaskBlockingStub task, Path bundle, Path runtime) {
        try {
            task.connect(ConnectRequest.newBuilder().setId(TASK).build());
            task.create(CreateTaskRequest.newBuilder().setId(TASK).setBundle(bundle.toString())
                    .setOptions(ContainerdAny.pack(Options.newBuilder().setBinaryName(runtime.toString()).build()))
                    .build());
            task.state(StateRequest.newBuilder().setId(TASK).build());
            task.start(StartRequest.newBuilder().setId(TASK).build());
            task.wait(WaitRequest.newBuilder().setId(TASK).build());
            task.delete(DeleteRequest.newBuilder().setId(TASK).build());
        } catch (TtrpcException e) {
            throw new ShimException("failed to warm up the spare: its scratch task failed: " + e.getMessage(), e);
        }
    }

    /** Writes the stand-in runtime ({@value #RUNTIME}) into {@code scratch}, mode 0700. */
    private static Path writeRuntime(Path scratch) throws IOException {
        Path runtime = scratch.resolve(RUNTIME);
        try (InputStream script = SpareWarmUp.class.getResourceAsStream(RUNTIME)) {
            if (script == null) {
                throw new ShimException("failed to warm up the spare: resource " + RUNTIME + " is missing from "
                        + SpareWarmUp.class.getPackageName());
            }
            Files.createFile(runtime, PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rwx------")));
            Files.write(runtime, script.readAllBytes());
        }
        return runtime;
    }

    /** containerd's events service, as far as a shim uses it: every forwarded event is accepted and dropped. */
    private static final class EventSink extends EventsTtrpc.EventsImplBase {
        @Override
        public com.google.protobuf.Empty forward(ForwardRequest request) {
            return com.google.protobuf.Empty.getDefaultInstance();
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
