package io.jshim.framework;

import static org.assertj.core.api.Assertions.assertThat;

import io.jshim.testing.containerd.CommandResult;
import io.jshim.testing.containerd.ContainerRun;
import io.jshim.testing.containerd.Ctr;
import io.jshim.testing.containerd.CtrEvent;
import io.jshim.testing.containerd.CtrEvents;
import io.jshim.testing.containerd.PrivateContainerd;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Duration;
import java.util.List;
import java.util.UUID;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * The framework issue's acceptance test: the toy shim ({@code ToyManager} with the toy task, events and shutdown
 * plugins) is launched by a real private containerd 1.6 as runtime {@code io.containerd.jtoy.v2} through
 * {@code ctr run}: containerd runs {@code start}, connects over TTRPC, drives the Task service, receives the
 * shim's events on its TTRPC socket and its log through the bundle's {@code log} FIFO, and after delete and
 * Shutdown the daemon is gone and its socket removed.
 */
@Timeout(60)
class ToyShimE2ETest {
    private static final String RUNTIME = "io.containerd.jtoy.v2";
    private static final String GREETING = "hello from the jtoy shim";

    @TempDir
    Path dir;

    /** {@code containerd-shim-jtoy-v2}: exec's JDK 25's java on the test class path; stdin untouched, args last. */
    private Path launcher(String marker) throws Exception {
        Path bin = Files.createDirectories(dir.resolve("bin"));
        Path config = Files.writeString(dir.resolve("jshim.conf"), "jshim.start-timeout = 30s\n");
        String java = ProcessHandle.current().info().command().orElseThrow();
        Path script = bin.resolve("containerd-shim-jtoy-v2");
        Files.writeString(script, String.join("\n",
                "#!/bin/sh",
                "export JSHIM_CONFIG=" + quote(config.toString()),
                "export JTOY_MARKER=" + marker,
                "exec " + quote(java) + " --enable-native-access=ALL-UNNAMED -XX:TieredStopAtLevel=1 -XX:+UseSerialGC"
                        + " --sun-misc-unsafe-memory-access=allow"
                        + " -cp " + quote(System.getProperty("java.class.path")) + " io.jshim.framework.toy.ToyManager \"$@\"",
                ""));
        Files.setPosixFilePermissions(script, PosixFilePermissions.fromString("rwxr-xr-x"));
        return bin;
    }

    private static String quote(String word) {
        return "'" + word.replace("'", "'\\''") + "'";
    }

    @Test
    void containerdRunsTheToyShimThroughCtr() throws Exception {
        String marker = "jtoy-" + UUID.randomUUID();
        Path bin = launcher(marker);
        try (PrivateContainerd containerd = PrivateContainerd.builder().runtimeDir(bin).start()) {
            String namespace = containerd.newNamespace();
            Ctr ctr = containerd.ctr(namespace);
            String id = "toy-" + UUID.randomUUID().toString().substring(0, 8);
            try (CtrEvents events = ctr.events()) {
                CommandResult run = ctr.run(ContainerRun.of(RUNTIME, id, "/bin/true").withTimeout(Duration.ofSeconds(40)));
                assertThat(run.exitCode()).as("ctr run: %s\ncontainerd log:\n%s", run, containerd.log()).isZero();
                assertThat(run.stdout()).contains(GREETING);

                String container = "\"container_id\":\"" + id + "\"";
                for (String topic : List.of("/tasks/create", "/tasks/start", "/tasks/exit", "/tasks/delete")) {
                    CtrEvent event = events.await(namespace, topic, container, Duration.ofSeconds(10));
                    assertThat(event.field("pid")).as(topic).contains("4242");
                }
                assertThat(events.await(namespace, "/tasks/exit", container, Duration.ZERO).field("exit_status")).isEmpty();
            }

            long shimPid = daemonPid(containerd.log(), marker);
            awaitGone(shimPid);
            assertThat(containerd.shims().pids()).as("shims of this containerd").isEmpty();
            assertThat(SocketAddress.path(containerd.address().toString(), namespace, id)).doesNotExist();
            assertThat(containerd.shims().bundle(namespace, id)).doesNotExist();

            String log = containerd.log();
            assertThat(log).contains("msg=\"toy task created\"")
                    .containsPattern("level=info msg=\"toy task created\" id=" + id + " marker=" + marker)
                    .containsPattern("msg=\"toy task exited\" id=" + id + " marker=" + marker + " status=0")
                    .containsPattern("msg=\"toy shim shutting down\" marker=" + marker)
                    .doesNotContain("sun.misc.Unsafe");
        }
    }

    /** The daemon logs {@code msg="shim daemon serving" ... pid=N} once ready, before the toy plugin's lines. */
    private static long daemonPid(String log, String marker) {
        Matcher serving = Pattern.compile("msg=\"shim daemon serving\" [^\n]*pid=(\\d+)").matcher(log);
        assertThat(log).contains(marker);
        assertThat(serving.find()).as("a 'shim daemon serving' line in containerd's log:\n%s", log).isTrue();
        return Long.parseLong(serving.group(1));
    }

    private static void awaitGone(long pid) throws InterruptedException {
        long deadline = System.nanoTime() + Duration.ofSeconds(10).toNanos();
        while (ProcessHandle.of(pid).map(ProcessHandle::isAlive).orElse(false) && System.nanoTime() < deadline) {
            Thread.sleep(50);
        }
        assertThat(ProcessHandle.of(pid).map(ProcessHandle::isAlive).orElse(false)).as("shim daemon %d alive", pid).isFalse();
    }
}
