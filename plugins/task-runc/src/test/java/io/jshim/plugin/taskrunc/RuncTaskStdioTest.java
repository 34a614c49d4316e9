package io.jshim.plugin.taskrunc;

import io.jshim.api.events.TaskCreate;
import io.jshim.api.events.TaskDelete;
import io.jshim.api.events.TaskExit;
import io.jshim.api.events.TaskStart;
import com.google.protobuf.Any;
import com.google.protobuf.ByteString;
import io.jshim.api.ContainerdAny;
import io.jshim.api.runc.v1.Options;
import io.jshim.api.task.v2.CloseIORequest;
import io.jshim.api.task.v2.ExecProcessRequest;
import io.jshim.api.task.v2.KillRequest;
import io.jshim.api.task.v2.CreateTaskRequest;
import io.jshim.api.task.v2.DeleteRequest;
import io.jshim.api.task.v2.StartRequest;
import io.jshim.api.task.v2.StateRequest;
import io.jshim.api.task.v2.WaitRequest;
import io.jshim.posix.Errno;
import io.jshim.posix.FileCalls;
import io.jshim.posix.PosixException;
import io.jshim.ttrpc.Status;
import io.jshim.ttrpc.TtrpcException;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.nio.channels.Channels;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.security.MessageDigest;
import java.time.Duration;
import java.util.HexFormat;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** Containers through the task service with FIFO stdio, as containerd's ctr sets it up (runc, no containerd). */
@Timeout(value = 120, unit = TimeUnit.SECONDS)
class RuncTaskStdioTest {
    private static final Duration WAIT = Duration.ofSeconds(30);

    @TempDir
    Path dir;
    private TaskShimHarness shim;

    @BeforeEach
    void start() throws IOException {
        shim = TaskShimHarness.start(dir);
    }

    @AfterEach
    void stop() {
        shim.close();
    }

    private Path fifo(String name) {
        Path p = dir.resolve(name);
        shim.posix.mkfifo(p, 0600);
        return p;
    }

    private CreateTaskRequest.Builder create(String id, TestBundle bundle) {
        return CreateTaskRequest.newBuilder().setId(id).setBundle(bundle.dir.toString());
    }

    /** Reads what is in the FIFO now without blocking. */
    private int drainNonBlocking(int fd) {
        byte[] buf = new byte[65536];
        int total = 0;
        while (true) {
            try {
                int n = shim.posix.read(fd, buf, 0, buf.length);
                if (n <= 0) {
                    return total;
                }
                total += n;
            } catch (PosixException e) {
                if (e.errno() == Errno.EAGAIN) {
                    return total;
                }
                throw e;
            }
        }
    }

    @Test
    void everyOutputByteIsInTheFifosBeforeTheExitIsPublished() throws Exception {
        TestBundle bundle = TestBundle.create(dir.resolve("b1"), "sh", "-c",
                "head -c 32768 /dev/zero | tr '\\0' a; head -c 1000 /dev/zero | tr '\\0' b >&2");
        Path out = fifo("out");
        Path err = fifo("err");
        int outFd = shim.posix.open(out, FileCalls.O_RDONLY | FileCalls.O_NONBLOCK | FileCalls.O_CLOEXEC, 0);
        int errFd = shim.posix.open(err, FileCalls.O_RDONLY | FileCalls.O_NONBLOCK | FileCalls.O_CLOEXEC, 0);
        AtomicInteger outAtExit = new AtomicInteger(-1);
        AtomicInteger errAtExit = new AtomicInteger(-1);
        // nobody reads until the exit is published: then the FIFOs must already hold everything
        shim.events.onPublish((topic, event) -> {
            if (topic.equals("/tasks/exit")) {
                outAtExit.set(drainNonBlocking(outFd));
                errAtExit.set(drainNonBlocking(errFd));
            }
        });
        try {
            int pid = shim.task.create(create("c1", bundle).setStdout(out.toString()).setStderr(err.toString()).build())
                    .getPid();
            assertThat(pid).isPositive();
            assertThat(shim.task.start(StartRequest.newBuilder().setId("c1").build()).getPid()).isEqualTo(pid);
            var waited = shim.task.wait(WaitRequest.newBuilder().setId("c1").build());
            TaskExit exit = shim.events.await("/tasks/exit", TaskExit.class, WAIT);

            assertThat(waited.getExitStatus()).isZero();
            assertThat(exit.getPid()).isEqualTo(pid);
            assertThat(exit.getId()).isEqualTo("c1");
            assertThat(outAtExit.get()).isEqualTo(32768);
            assertThat(errAtExit.get()).isEqualTo(1000);
            // the shim closed its FIFO ends once the output was copied: readers see EOF before Delete (CRI's exec)
            assertThat(shim.posix.read(outFd, new byte[16], 0, 16)).isZero();
            assertThat(shim.posix.read(errFd, new byte[16], 0, 16)).isZero();

            var deleted = shim.task.delete(DeleteRequest.newBuilder().setId("c1").build());
            assertThat(deleted.getPid()).isEqualTo(pid);
            assertThat(shim.events.await("/tasks/delete", TaskDelete.class, WAIT).getPid()).isEqualTo(pid);
            assertThat(shim.events.topics()).containsExactly("/tasks/create", "/tasks/start", "/tasks/exit",
                    "/tasks/delete");
            assertThat(shim.events.await("/tasks/create", TaskCreate.class, WAIT).getIo().getStdout())
                    .isEqualTo(out.toString());
            assertThat(shim.events.await("/tasks/start", TaskStart.class, WAIT).getPid()).isEqualTo(pid);
            assertThatThrownBy(() -> shim.task.state(StateRequest.newBuilder().setId("c1").build()))
                    .isInstanceOfSatisfying(TtrpcException.class,
                            e -> assertThat(e.status().code()).isEqualTo(Status.Code.NOT_FOUND));
        } finally {
            shim.posix.close(outFd);
            shim.posix.close(errFd);
        }
    }

    @Test
    void fortyMegabytesArriveUnchangedThroughTheFifo() throws Exception {
        int count = 5_000_000;
        TestBundle bundle = TestBundle.create(dir.resolve("b2"), "seq", "1", Integer.toString(count));
        MessageDigest expected = MessageDigest.getInstance("SHA-256");
        long size = 0;
        for (int i = 1; i <= count; i++) {
            byte[] line = (i + "\n").getBytes(StandardCharsets.US_ASCII);
            expected.update(line);
            size += line.length;
        }
        long expectedSize = size;
        Path out = fifo("big");
        CompletableFuture<String> digest = CompletableFuture.supplyAsync(() -> readDigest(out, expectedSize));

        shim.task.create(create("big", bundle).setStdout(out.toString()).build());
        shim.task.start(StartRequest.newBuilder().setId("big").build());

        assertThat(digest.get(60, TimeUnit.SECONDS)).isEqualTo(HexFormat.of().formatHex(expected.digest()));
        assertThat(shim.task.wait(WaitRequest.newBuilder().setId("big").build()).getExitStatus()).isZero();
        shim.task.delete(DeleteRequest.newBuilder().setId("big").build());
    }

    private static String readDigest(Path fifo, long size) {
        try (FileChannel ch = FileChannel.open(fifo, StandardOpenOption.READ);
             InputStream in = Channels.newInputStream(ch)) {
            MessageDigest md = MessageDigest.getInstance("SHA-256");
            byte[] buf = new byte[1 << 16];
            long left = size;
            while (left > 0) {
                int n = in.read(buf, 0, (int) Math.min(buf.length, left));
                if (n < 0) {
                    throw new IOException("EOF with " + left + " bytes missing");
                }
                md.update(buf, 0, n);
                left -= n;
            }
            return HexFormat.of().formatHex(md.digest());
        } catch (Exception e) {
            throw new IllegalStateException(e);
        }
    }

    @Test
    void stdinReachesTheProcessAndCloseIoEndsIt() throws Exception {
        TestBundle bundle = TestBundle.create(dir.resolve("b3"), "cat");
        Path in = fifo("in");
        Path out = fifo("catout");
        CompletableFuture<String> echoed = CompletableFuture.supplyAsync(() -> {
            try (FileChannel ch = FileChannel.open(out, StandardOpenOption.READ);
                 InputStream s = Channels.newInputStream(ch)) {
                ByteArrayOutputStream got = new ByteArrayOutputStream();
                byte[] buf = new byte[64];
                while (got.size() < 12) {
                    int n = s.read(buf);
                    if (n < 0) {
                        break;
                    }
                    got.write(buf, 0, n);
                }
                return got.toString(StandardCharsets.US_ASCII);
            } catch (IOException e) {
                throw new IllegalStateException(e);
            }
        });
        shim.task.create(create("cat", bundle).setStdin(in.toString()).setStdout(out.toString()).build());
        shim.task.start(StartRequest.newBuilder().setId("cat").build());
        try (FileChannel w = FileChannel.open(in, StandardOpenOption.WRITE)) {
            w.write(java.nio.ByteBuffer.wrap("hello stdin\n".getBytes(StandardCharsets.US_ASCII)));
        }
        assertThat(echoed.get(30, TimeUnit.SECONDS)).isEqualTo("hello stdin\n");

        shim.task.closeIO(CloseIORequest.newBuilder().setId("cat").setStdin(true).build());
        assertThat(shim.task.wait(WaitRequest.newBuilder().setId("cat").build()).getExitStatus()).isZero();
        shim.task.delete(DeleteRequest.newBuilder().setId("cat").build());
    }

    @Test
    void ioUidAndGidOwnTheProcessesPipesForInitAndExec() throws Exception {
        TestBundle bundle = TestBundle.create(dir.resolve("b4"), "sh", "-c",
                "stat -L -c '%u:%g' /proc/self/fd/1 /proc/self/fd/2; sleep 600");
        Path out = fifo("owner");
        Path execOut = fifo("exec-owner");
        CompletableFuture<String> initOwner = CompletableFuture.supplyAsync(() -> readLines(out, 2));
        CompletableFuture<String> execOwner = CompletableFuture.supplyAsync(() -> readLines(execOut, 1));
        Options options = Options.newBuilder().setIoUid(1234).setIoGid(4321).build();

        shim.task.create(create("owned", bundle).setStdout(out.toString()).setStderr(out.toString())
                .setOptions(ContainerdAny.pack(options)).build());
        shim.task.start(StartRequest.newBuilder().setId("owned").build());
        // runc's init gives the fds' uid to the process user (root here) and keeps the group: the gid is ours
        assertThat(initOwner.get(30, TimeUnit.SECONDS)).isEqualTo("0:4321\n0:4321\n");

        String process = "{\"args\":[\"stat\",\"-L\",\"-c\",\"%u:%g\",\"/proc/self/fd/1\"],\"cwd\":\"/\","
                + "\"env\":[\"PATH=/bin\"],\"user\":{\"uid\":0,\"gid\":0}}";
        shim.task.exec(ExecProcessRequest.newBuilder().setId("owned").setExecId("e1").setStdout(execOut.toString())
                .setSpec(Any.newBuilder().setTypeUrl(ContainerdAny.OCI_PROCESS_TYPE_URL)
                        .setValue(ByteString.copyFromUtf8(process))).build());
        shim.task.start(StartRequest.newBuilder().setId("owned").setExecId("e1").build());
        assertThat(execOwner.get(30, TimeUnit.SECONDS)).isEqualTo("0:4321\n");
        assertThat(shim.task.wait(WaitRequest.newBuilder().setId("owned").setExecId("e1").build()).getExitStatus())
                .isZero();
        shim.task.delete(DeleteRequest.newBuilder().setId("owned").setExecId("e1").build());

        shim.task.kill(KillRequest.newBuilder().setId("owned").setSignal(9).build());
        assertThat(shim.task.wait(WaitRequest.newBuilder().setId("owned").build()).getExitStatus()).isEqualTo(137);
        shim.task.delete(DeleteRequest.newBuilder().setId("owned").build());
    }

    /** Reads {@code lines} newline-terminated lines from a FIFO. */
    private static String readLines(Path fifo, int lines) {
        try (FileChannel ch = FileChannel.open(fifo, StandardOpenOption.READ);
             InputStream s = Channels.newInputStream(ch)) {
            StringBuilder got = new StringBuilder();
            int seen = 0;
            while (seen < lines) {
                int c = s.read();
                if (c < 0) {
                    break;
                }
                got.append((char) c);
                if (c == '\n') {
                    seen++;
                }
            }
            return got.toString();
        } catch (IOException e) {
            throw new IllegalStateException(e);
        }
    }
}
