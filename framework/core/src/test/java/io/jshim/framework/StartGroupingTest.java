package io.jshim.framework;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.jshim.framework.config.ShimConfig;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.UUID;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/** {@code jshim.grouping} and {@code jshim.daemon-jvm-options}: which daemon a task joins, and how it is started. */
@Timeout(120)
class StartGroupingTest {
    @TempDir
    Path dir;

    @Test
    void groupingAndDaemonOptionsAreReadAndValidated() throws Exception {
        ShimConfig defaults = ShimConfig.load(Optional.empty(), getClass().getClassLoader());
        assertThat(defaults.framework().grouping()).isEqualTo("sandbox");
        assertThat(defaults.framework().daemonJvmOptions()).isEmpty();

        Path file = Files.writeString(dir.resolve("a.conf"),
                "jshim { grouping = namespace, daemon-jvm-options = [\"-Xmx32m\", \"-XX:TieredStopAtLevel=1\"] }\n");
        ShimConfig config = ShimConfig.load(Optional.of(file), getClass().getClassLoader());
        assertThat(config.framework().grouping()).isEqualTo("namespace");
        assertThat(config.framework().daemonJvmOptions()).containsExactly("-Xmx32m", "-XX:TieredStopAtLevel=1");

        Path bad = Files.writeString(dir.resolve("b.conf"), "jshim.grouping = pod\n");
        assertThatThrownBy(() -> ShimConfig.load(Optional.of(bad), getClass().getClassLoader()))
                .hasMessageContaining("grouping must be sandbox, namespace or none, got \"pod\"");
        Path spaced = Files.writeString(dir.resolve("c.conf"), "jshim.daemon-jvm-options = [\"-Xmx32m -Xms4m\"]\n");
        assertThatThrownBy(() -> ShimConfig.load(Optional.of(spaced), getClass().getClassLoader()))
                .hasMessageContaining("daemon-jvm-options must be JVM flags without spaces");
    }

    @Test
    void daemonIsStartedThroughTheLauncherNamedByTheEnvironment() throws Exception {
        Path launcher = Files.writeString(dir.resolve("launcher"), "#!/bin/sh\n");
        Files.setPosixFilePermissions(launcher, PosixFilePermissions.fromString("rwxr-xr-x"));
        List<String> args = List.of("-namespace", "ns", "-id", "t1", "-address", "/a.sock", "start");

        assertThat(StartAction.daemonCommand(args, Map.of(StartAction.LAUNCHER_ENV, launcher.toString())))
                .containsExactly(launcher.toString(), "-namespace", "ns", "-id", "t1", "-address", "/a.sock");
        assertThatThrownBy(() -> StartAction.daemonCommand(args, Map.of(StartAction.LAUNCHER_ENV, "launcher")))
                .hasMessageContaining("$JSHIM_LAUNCHER launcher is not an absolute path to an executable");
    }

    @Test
    void namespaceGroupingSharesOneDaemonAcrossTasksAndNoneIgnoresTheManagersGroup() throws Exception {
        Path config = Files.writeString(dir.resolve("jshim.conf"), "jshim { start-timeout = 30s, grouping = namespace }\n");
        String address = dir.resolve("containerd-" + UUID.randomUUID() + ".sock").toString();
        Map<String, String> env = Map.of("JSHIM_CONFIG", config.toString());
        ToyShimRunner.Result first = start(env, address, "task-a");
        ToyShimRunner.Result second = start(env, address, "task-b");
        Path shared = SocketAddress.path(address, "groupns", StartAction.NAMESPACE_GROUP);
        try {
            assertThat(first.code()).as(first.stderr()).isZero();
            assertThat(second.code()).as(second.stderr()).isZero();
            assertThat(first.out()).isEqualTo("unix://" + shared);
            assertThat(second.out()).isEqualTo(first.out());

            // none: the manager's group (TOY_GROUP) is ignored, each task gets its own daemon
            Path none = Files.writeString(dir.resolve("none.conf"), "jshim { start-timeout = 30s, grouping = none }\n");
            ToyShimRunner.Result own = start(Map.of("JSHIM_CONFIG", none.toString(), "TOY_GROUP", "pod-1"), address, "task-c");
            assertThat(own.code()).as(own.stderr()).isZero();
            assertThat(own.out()).isEqualTo("unix://" + SocketAddress.path(address, "groupns", "task-c"));
        } finally {
            stopDaemons();
        }
    }

    private ToyShimRunner.Result start(Map<String, String> env, String address, String id) throws Exception {
        Path bundle = Files.createDirectories(dir.resolve(id));
        return ToyShimRunner.run(bundle, env, new byte[0], "-namespace", "groupns", "-address", address,
                "-publish-binary", "/usr/bin/containerd", "-id", id, "start");
    }

    /** The toy daemons write their pid into the echo plugin's state dir of the bundle they were started in. */
    private void stopDaemons() throws Exception {
        for (String id : List.of("task-a", "task-c")) {
            Path pidFile = dir.resolve(id).resolve("io.containerd.ttrpc.v1.echo/pid");
            if (Files.exists(pidFile)) {
                ProcessHandle.of(Long.parseLong(Files.readString(pidFile).trim())).ifPresent(daemon -> {
                    daemon.destroy();
                    daemon.onExit().orTimeout(20, TimeUnit.SECONDS).join();
                });
            }
        }
    }
}
