package io.jshim.plugin.taskrunc;

import io.jshim.api.task.v2.TaskTtrpc;
import io.jshim.framework.ShimOptions;
import io.jshim.framework.config.ShimConfig;
import io.jshim.framework.plugin.Publisher;
import io.jshim.framework.registry.LoadedPlugins;
import io.jshim.framework.registry.PluginDiscovery;
import io.jshim.framework.registry.PluginRegistry;
import io.jshim.posix.Posix;
import io.jshim.posix.PosixImplementation;
import io.jshim.posix.ProcessLauncher;
import io.jshim.posix.ProcessReaper;
import io.jshim.ttrpc.TtrpcClient;
import io.jshim.ttrpc.TtrpcServer;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Optional;

/**
 * The task plugin as the daemon runs it, in the test JVM: the framework's ServiceLoader discovery and registry
 * (with the real shutdown plugin and the {@link RecordingEventsPlugin}), the FFM POSIX layer, a reaper in a
 * subreaper JVM, one TTRPC server on a socket in {@code dir} and a client. Runtime state goes to {@code dir/runc}.
 * The JVM stays a subreaper: test classes using it run in their own fork (see the module's surefire settings).
 */
final class TaskShimHarness implements AutoCloseable {
    static final String NAMESPACE = "jshim-test";

    final Path dir;
    final Posix posix;
    final LoadedPlugins plugins;
    final RecordingPublisher events;
    final TtrpcClient client;
    final TaskTtrpc.TaskBlockingStub task;
    private final ProcessReaper reaper;
    private final TtrpcServer server;

    private TaskShimHarness(Path dir, Posix posix, ProcessReaper reaper, LoadedPlugins plugins, TtrpcServer server,
                            TtrpcClient client) {
        this.dir = dir;
        this.posix = posix;
        this.reaper = reaper;
        this.plugins = plugins;
        this.server = server;
        this.client = client;
        this.events = (RecordingPublisher) plugins.exposed(Publisher.class).orElseThrow();
        this.task = TaskTtrpc.newBlockingStub(client).withDeadline(Duration.ofSeconds(60));
    }

    static TaskShimHarness start(Path dir) throws IOException {
        Posix posix = PosixImplementation.FFM.create();
        posix.setChildSubreaper();
        Path config = dir.resolve("jshim.conf");
        Files.writeString(config, "plugins.\"io.containerd.ttrpc.v1\".task.runc-root = \"" + dir.resolve("runc") + "\"\n");
        ClassLoader loader = TaskShimHarness.class.getClassLoader();
        PluginRegistry registry = new PluginRegistry(new PluginDiscovery(loader, Optional.empty()).discover(),
                ShimConfig.load(Optional.of(config), loader));
        ProcessReaper reaper = new ProcessReaper(posix);
        reaper.start();
        ProcessLauncher launcher = new ProcessLauncher(posix, reaper);
        ShimOptions options = new ShimOptions(NAMESPACE, "harness", Files.createDirectories(dir.resolve("shim")), false,
                "", "", "", "", "");
        LoadedPlugins plugins = registry.start(options, binder -> {
            binder.bind(Posix.class).toInstance(posix);
            binder.bind(ProcessReaper.class).toInstance(reaper);
            binder.bind(ProcessLauncher.class).toInstance(launcher);
        });
        TtrpcServer.Builder builder = TtrpcServer.builder();
        plugins.services().keySet().forEach(builder::addService);
        TtrpcServer server = builder.build();
        Path socket = dir.resolve("s.sock");
        server.serve(socket);
        return new TaskShimHarness(dir, posix, reaper, plugins, server, TtrpcClient.connect(socket));
    }

    /**
     * Stops server and plugins, then kills what a failed test left running (container processes are children of
     * this subreaper JVM) and waits until the reaper has reaped them, so that the reaper ends parked and the next
     * harness's reaper is the only one calling {@code waitpid(-1)}.
     */
    @Override
    public void close() {
        client.close();
        server.shutdown(Duration.ofSeconds(5));
        plugins.close();
        ProcessHandle.current().children().forEach(ProcessHandle::destroyForcibly);
        long end = System.nanoTime() + Duration.ofSeconds(10).toNanos();
        while (ProcessHandle.current().children().findAny().isPresent() && System.nanoTime() < end) {
            try {
                Thread.sleep(20);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                break;
            }
        }
        reaper.close();
    }
}
