package io.jshim.plugin.publisher;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.google.protobuf.Any;
import com.google.protobuf.Timestamp;
import io.jshim.api.events.TaskExit;
import io.jshim.api.services.events.ttrpc.v1.Envelope;
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
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Duration;
import java.util.List;
import java.util.Optional;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * The publish-binary fallback (no {@code TTRPC_ADDRESS}), as containerd's Go shims did it: {@code <publish-binary>
 * --address <containerd address> publish --topic T --namespace N} with the marshalled {@code google.protobuf.Any}
 * of the event (bare type URL {@code containerd.events.TaskExit}) on stdin. A fake publish binary (a sh script)
 * records its argv and stdin.
 */
@Timeout(60)
class BinaryEventSenderTest {
    @TempDir
    Path dir;

    private Posix posix;
    private ProcessReaper reaper;
    private ProcessLauncher launcher;

    @BeforeEach
    void startReaper() {
        posix = PosixImplementation.FFM.create();
        reaper = new ProcessReaper(posix);
        reaper.start();
        launcher = new ProcessLauncher(posix, reaper);
    }

    @AfterEach
    void stopReaper() {
        reaper.close();
    }

    /** A fake containerd binary: records "$@" (one per line) and stdin under calls/, exits with {@code code}. */
    private Path fakeBinary(int code) throws IOException {
        Path calls = Files.createDirectories(dir.resolve("calls"));
        Path script = dir.resolve("fake-containerd");
        Files.writeString(script, String.join("\n",
                "#!/bin/sh",
                "n=$(date +%s%N)-$$",
                "printf '%s\\n' \"$@\" > " + calls + "/$n.argv",
                "cat > " + calls + "/$n.stdin",
                "echo 'fake publish failure' >&2",
                "exit " + code,
                ""));
        Files.setPosixFilePermissions(script, PosixFilePermissions.fromString("rwx------"));
        return script;
    }

    private record Call(List<String> argv, byte[] stdin) { }

    private List<Call> calls() throws IOException {
        try (Stream<Path> files = Files.list(dir.resolve("calls"))) {
            return files.filter(f -> f.toString().endsWith(".argv")).sorted().map(argv -> {
                try {
                    Path stdin = argv.resolveSibling(argv.getFileName().toString().replace(".argv", ".stdin"));
                    return new Call(Files.readAllLines(argv), Files.readAllBytes(stdin));
                } catch (IOException e) {
                    throw new java.io.UncheckedIOException(e);
                }
            }).toList();
        }
    }

    private static Envelope envelope(String topic, TaskExit event) {
        return Envelope.newBuilder().setTimestamp(Timestamp.newBuilder().setSeconds(1)).setNamespace("k8s.io")
                .setTopic(topic).setEvent(Any.newBuilder().setTypeUrl("containerd.events.TaskExit")
                        .setValue(event.toByteString()))
                .build();
    }

    @Test
    void runsPublishWithContainerdsArgvAndTheAnyOnStdin() throws Exception {
        Path binary = fakeBinary(0);
        Path scratch = Files.createDirectories(dir.resolve("state"));
        BinaryEventSender sender = new BinaryEventSender(binary.toString(), "/run/containerd/containerd.sock", scratch,
                posix, launcher);
        TaskExit exit = TaskExit.newBuilder().setContainerId("c1").setId("c1").setPid(77).setExitStatus(3).build();

        sender.send(envelope("/tasks/exit", exit), Duration.ofSeconds(10));

        List<Call> calls = calls();
        assertThat(calls).hasSize(1);
        assertThat(calls.getFirst().argv()).containsExactly("--address", "/run/containerd/containerd.sock", "publish",
                "--topic", "/tasks/exit", "--namespace", "k8s.io");
        Any any = Any.parseFrom(calls.getFirst().stdin());
        assertThat(any.getTypeUrl()).isEqualTo("containerd.events.TaskExit");
        assertThat(TaskExit.parseFrom(any.getValue())).isEqualTo(exit);
        try (Stream<Path> left = Files.list(scratch)) {
            assertThat(left).as("payload files removed").isEmpty();
        }
    }

    @Test
    void aFailingBinaryIsAnErrorNamingItAndItsOutput() throws Exception {
        Path binary = fakeBinary(3);
        BinaryEventSender sender = new BinaryEventSender(binary.toString(), "/c.sock",
                Files.createDirectories(dir.resolve("state")), posix, launcher);

        assertThatThrownBy(() -> sender.send(envelope("/tasks/oom", TaskExit.getDefaultInstance()), Duration.ofSeconds(10)))
                .isInstanceOf(IOException.class)
                .hasMessageContaining("failed to publish event /tasks/oom with " + binary)
                .hasMessageContaining("fake publish failure");
    }

    @Test
    void pluginUsesThePublishBinaryWithoutTtrpcAddressAndKeepsOrder() throws Exception {
        Path binary = fakeBinary(0);
        ShimConfig config = ShimConfig.load(Optional.empty(), getClass().getClassLoader());
        var discovered = new PluginDiscovery(getClass().getClassLoader(), Optional.empty()).discover();
        ShimOptions options = new ShimOptions("testns", "task1", Files.createDirectories(dir.resolve("bundle")), false,
                "/run/containerd/containerd.sock", binary.toString(), "", "", "");
        try (LoadedPlugins plugins = new PluginRegistry(discovered, config).start(options, binder -> {
            binder.bind(Posix.class).toInstance(posix);
            binder.bind(ProcessReaper.class).toInstance(reaper);
            binder.bind(ProcessLauncher.class).toInstance(launcher);
        })) {
            Publisher publisher = plugins.exposed(Publisher.class).orElseThrow();
            for (int pid = 1; pid <= 3; pid++) {
                publisher.publish("/tasks/exit", TaskExit.newBuilder().setContainerId("task1").setPid(pid).build());
            }
        }
        List<Call> calls = calls();
        assertThat(calls).hasSize(3);
        assertThat(calls).allSatisfy(call -> assertThat(call.argv()).containsExactly("--address",
                "/run/containerd/containerd.sock", "publish", "--topic", "/tasks/exit", "--namespace", "testns"));
        assertThat(calls).extracting(call -> TaskExit.parseFrom(Any.parseFrom(call.stdin()).getValue()).getPid())
                .containsExactly(1, 2, 3);
        assertThat(dir.resolve("bundle/io.containerd.event.v1.publisher")).isDirectory();
    }
}
