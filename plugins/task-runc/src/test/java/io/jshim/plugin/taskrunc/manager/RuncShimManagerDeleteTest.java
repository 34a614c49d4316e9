package io.jshim.plugin.taskrunc.manager;

import io.jshim.framework.ShimManager.StopStatus;
import io.jshim.framework.ShimOptions;
import io.jshim.plugin.taskrunc.TestBundle;
import io.jshim.posix.MountCalls;
import io.jshim.posix.Posix;
import io.jshim.posix.PosixImplementation;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

import java.io.File;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.concurrent.TimeUnit;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The {@code delete} action containerd runs when a shim died: {@code runc delete --force} with the runtime
 * recorded in the bundle's {@code options.json}, the rootfs unmounted, exit status 137 for the init pid.
 * The container is created here with runc itself, its rootfs a bind mount as containerd's snapshotters make it.
 */
@Timeout(value = 60, unit = TimeUnit.SECONDS)
class RuncShimManagerDeleteTest {
    private static final String NAMESPACE = "jshim-test";

    @TempDir
    Path dir;
    private final Posix posix = PosixImplementation.FFM.create();
    private Path rootfs;

    @AfterEach
    void unmountLeftovers() throws Exception {
        if (rootfs != null && mounted(rootfs)) {
            posix.umount2(rootfs, MountCalls.MNT_DETACH);
        }
    }

    @Test
    void forceDeletesTheContainerUnmountsItsRootfsAndReports137() throws Exception {
        Path source = dir.resolve("snapshot");
        TestBundle.populateRootfs(source);
        TestBundle bundle = TestBundle.create(dir.resolve("bundle"), "sleep", "600");
        rootfs = bundle.dir.resolve("rootfs");
        posix.mount(source.toString(), rootfs, null, MountCalls.MS_BIND, null);
        Path runcRoot = dir.resolve("runc");
        Files.writeString(bundle.dir.resolve("options.json"),
                "{\"binary_name\":\"\",\"root\":\"" + runcRoot + "\",\"systemd_cgroup\":false,\"criu_path\":\"\"}");
        String id = "orphan-" + ProcessHandle.current().pid();
        Process create = new ProcessBuilder("runc", "--root", runcRoot.resolve(NAMESPACE).toString(), "create",
                "--bundle", bundle.dir.toString(), "--pid-file", bundle.dir.resolve("init.pid").toString(), id)
                .redirectInput(new File("/dev/null")).redirectOutput(ProcessBuilder.Redirect.DISCARD)
                .redirectError(dir.resolve("create.err").toFile()).start();
        assertThat(create.waitFor(30, TimeUnit.SECONDS)).isTrue();
        assertThat(create.exitValue()).as(Files.readString(dir.resolve("create.err"))).isZero();
        int initPid = Integer.parseInt(Files.readString(bundle.dir.resolve("init.pid")).strip());
        assertThat(ProcessHandle.of(initPid)).isPresent();
        assertThat(mounted(rootfs)).isTrue();
        Instant before = Instant.now();

        StopStatus status = new RuncShimManager().delete(new ShimOptions(NAMESPACE, id, bundle.dir, false, "", "", "",
                "", ""));

        assertThat(status.pid()).isEqualTo(initPid);
        assertThat(status.exitStatus()).isEqualTo(137);
        assertThat(status.exitedAt()).isAfterOrEqualTo(before);
        assertThat(mounted(rootfs)).as("rootfs unmounted").isFalse();
        assertThat(runcRoot.resolve(NAMESPACE).resolve(id)).as("runc state removed").doesNotExist();
        long end = System.nanoTime() + Duration.ofSeconds(10).toNanos();
        while (ProcessHandle.of(initPid).map(ProcessHandle::isAlive).orElse(false) && System.nanoTime() < end) {
            Thread.sleep(50);
        }
        assertThat(ProcessHandle.of(initPid).map(ProcessHandle::isAlive).orElse(false)).as("init killed").isFalse();
    }

    @Test
    void aBundleWithoutContainerStillAnswers137AndThePidGoGivesWithoutAPidFile() throws Exception {
        TestBundle bundle = TestBundle.create(dir.resolve("empty"), "true");
        Files.writeString(bundle.dir.resolve("options.json"),
                "{\"root\":\"" + dir.resolve("runc") + "\"}");

        StopStatus status = new RuncShimManager().delete(new ShimOptions(NAMESPACE, "never-created", bundle.dir, false,
                "", "", "", "", ""));

        // go-runc's ReadPidFile gives -1 without init.pid; the Go shim sends it as uint32 4294967295 (measured
        // with Debian's containerd-shim-runc-v2 1.6.20 under containerd: FailedCreateIT)
        assertThat(status.pid()).isEqualTo(-1);
        assertThat(status.exitStatus()).isEqualTo(137);
    }

    private static boolean mounted(Path target) throws Exception {
        String t = target.toRealPath().toString();
        return Files.readAllLines(Path.of("/proc/self/mountinfo")).stream()
                .anyMatch(line -> line.split(" ")[4].equals(t));
    }
}
