package io.jshim.plugin.taskrunc.stdio;

import io.jshim.plugin.taskrunc.threads.ReadyThreads;
import io.jshim.posix.Posix;
import io.jshim.posix.PosixImplementation;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.TimeUnit;

import static org.assertj.core.api.Assertions.assertThat;

@Timeout(value = 30, unit = TimeUnit.SECONDS)
class StdioFactoryTest {
    @TempDir
    Path dir;
    private final Posix posix = PosixImplementation.FFM.create();

    private static String owner(int fd) throws Exception {
        Path link = Path.of("/proc/self/fd", Integer.toString(fd));
        return Files.getAttribute(link, "unix:uid") + ":" + Files.getAttribute(link, "unix:gid");
    }

    @Test
    void theProcessesPipesBelongToTheIoOwner() throws Exception {
        Path in = dir.resolve("in");
        Path out = dir.resolve("out");
        Path err = dir.resolve("err");
        posix.mkfifo(in, 0600);
        posix.mkfifo(out, 0600);
        posix.mkfifo(err, 0600);

        try (ProcessIo io = new StdioFactory(posix, new ReadyThreads(0)).open("ns", "c1", "c1",
                new StdioPaths(in.toString(), out.toString(), err.toString(), false), new IoOwner(1234, 4321))) {
            var child = io.childStdio();
            assertThat(owner(child.stdin())).isEqualTo("1234:4321");
            assertThat(owner(child.stdout())).isEqualTo("1234:4321");
            assertThat(owner(child.stderr())).isEqualTo("1234:4321");
        }
    }

    @Test
    void rootOwnerLeavesThePipesAsCreated() throws Exception {
        Path out = dir.resolve("out");
        posix.mkfifo(out, 0600);

        try (ProcessIo io = new StdioFactory(posix, new ReadyThreads(0)).open("ns", "c1", "c1",
                new StdioPaths("", out.toString(), "", false), IoOwner.ROOT)) {
            assertThat(owner(io.childStdio().stdout())).isEqualTo("0:0");
            assertThat(io.childStdio().stdin()).isEqualTo(-1);
        }
    }
}
