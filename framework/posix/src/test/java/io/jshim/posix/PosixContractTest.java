package io.jshim.posix;

import static java.nio.charset.StandardCharsets.UTF_8;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.ByteArrayOutputStream;
import java.nio.ByteBuffer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.TreeSet;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/** The behaviour every {@link Posix} implementation must have; one subclass per implementation. */
@Timeout(60)
abstract class PosixContractTest {
  @TempDir Path dir;
  private final List<Integer> openFds = new ArrayList<>();
  private final Posix posix = create();

  abstract Posix create();

  Posix posix() {
    return posix;
  }

  @AfterEach
  void closeFds() {
    for (int fd : openFds) {
      try {
        posix.close(fd);
      } catch (PosixException ignored) {
        // a test closed it already
      }
    }
  }

  private int track(int fd) {
    openFds.add(fd);
    return fd;
  }

  private PipeFds pipe() {
    PipeFds p = posix.pipe2(FileCalls.O_CLOEXEC);
    track(p.readFd());
    track(p.writeFd());
    return p;
  }

  /** Reads fd until EOF. */
  private String readAll(int fd) {
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    byte[] buf = new byte[4096];
    int n;
    while ((n = posix.read(fd, buf, 0, buf.length)) > 0) {
      out.write(buf, 0, n);
    }
    return out.toString(UTF_8);
  }

  /** Runs {@code sh -c script} with its fd 3 on a pipe and returns what it wrote there and its exit status. */
  private String runShell(String script, SpawnRequest.Builder extra) {
    PipeFds p = pipe();
    int pid = posix.spawn(extra.args("-c", script).mapFd(3, p.writeFd()).build());
    posix.close(p.writeFd());
    openFds.remove(Integer.valueOf(p.writeFd()));
    String out = readAll(p.readFd());
    assertThat(posix.waitpid(pid).exitCode()).as("exit code of sh -c %s", script).isZero();
    return out;
  }

  private String runShell(String script) {
    return runShell(script, SpawnRequest.builder("/bin/sh"));
  }

  @Test
  void implementationMatchesFactory() {
    assertThat(posix.implementation().create().implementation()).isEqualTo(posix.implementation());
  }

  @Test
  void getpidIsThisProcess() {
    assertThat((long) posix.getpid()).isEqualTo(ProcessHandle.current().pid());
  }

  @Test
  void subreaperCanBeSet() {
    posix.setChildSubreaper();
    assertThat(posix.isChildSubreaper()).isTrue();
  }

  @Test
  void oomScoreAdjRoundTrips() {
    int before = posix.oomScoreAdj();
    int next = before == 1000 ? 999 : before + 1;
    posix.setOomScoreAdj(next);
    assertThat(posix.oomScoreAdj()).isEqualTo(next);
    posix.setOomScoreAdj(before);
  }

  @Test
  void mkfifoCreatesFifoAndFailsTypedWhenItExists() throws Exception {
    Path fifo = dir.resolve("fifo");
    posix.mkfifo(fifo, 0600);
    assertThat(Files.readAttributes(fifo, "unix:mode").get("mode")).isEqualTo(0010600);
    assertThatThrownBy(() -> posix.mkfifo(fifo, 0600))
        .isInstanceOfSatisfying(PosixException.class, e -> {
          assertThat(e.errno()).isEqualTo(Errno.EEXIST);
          assertThat(e.call()).isEqualTo("mkfifo");
          assertThat(e.subject()).isEqualTo(fifo.toString());
        })
        .hasMessage("failed to mkfifo " + fifo + ": File exists (errno 17)");
  }

  @Test
  void fifoCarriesBytesWithNonBlockingOpen() {
    Path fifo = dir.resolve("io");
    posix.mkfifo(fifo, 0600);
    int reader = track(posix.open(fifo, FileCalls.O_RDONLY | FileCalls.O_NONBLOCK | FileCalls.O_CLOEXEC, 0));
    int writer = track(posix.open(fifo, FileCalls.O_WRONLY | FileCalls.O_CLOEXEC, 0));
    assertThat(posix.isNonBlocking(reader)).isTrue();
    assertThat(posix.isNonBlocking(writer)).isFalse();
    assertThatThrownBy(() -> posix.read(reader, new byte[8], 0, 8))
        .isInstanceOfSatisfying(PosixException.class, e -> assertThat(e.wouldBlock()).isTrue());
    byte[] data = "through the fifo".getBytes(UTF_8);
    assertThat(posix.write(writer, data, 0, data.length)).isEqualTo(data.length);
    byte[] in = new byte[64];
    int n = posix.read(reader, in, 0, in.length);
    assertThat(new String(in, 0, n, UTF_8)).isEqualTo("through the fifo");
  }

  @Test
  void openMissingFileNamesPathAndErrno() {
    Path missing = dir.resolve("missing");
    assertThatThrownBy(() -> posix.open(missing, FileCalls.O_RDONLY, 0))
        .isInstanceOf(PosixException.class)
        .hasMessage("failed to open " + missing + ": No such file or directory (errno 2)");
  }

  @Test
  void openCreatesWithMode() throws Exception {
    Path file = dir.resolve("created");
    int fd = track(posix.open(file, FileCalls.O_WRONLY | FileCalls.O_CREAT | FileCalls.O_EXCL | FileCalls.O_CLOEXEC, 0640));
    byte[] data = {1, 2, 3};
    posix.write(fd, data, 0, 3);
    assertThat(Files.readAllBytes(file)).containsExactly(1, 2, 3);
    assertThat(Files.readAttributes(file, "unix:mode").get("mode")).isEqualTo(0100640);
  }

  @Test
  void closeTwiceIsEbadf() {
    PipeFds p = posix.pipe2(FileCalls.O_CLOEXEC);
    posix.close(p.readFd());
    posix.close(p.writeFd());
    assertThatThrownBy(() -> posix.close(p.readFd()))
        .isInstanceOfSatisfying(PosixException.class, e -> assertThat(e.errno()).isEqualTo(Errno.EBADF));
  }

  @Test
  void nonBlockingCanBeSetAndCleared() {
    PipeFds p = pipe();
    assertThat(posix.isNonBlocking(p.readFd())).isFalse();
    posix.setNonBlocking(p.readFd(), true);
    assertThat(posix.isNonBlocking(p.readFd())).isTrue();
    assertThatThrownBy(() -> posix.read(p.readFd(), new byte[1], 0, 1))
        .isInstanceOfSatisfying(PosixException.class, e -> assertThat(e.errno()).isEqualTo(Errno.EAGAIN));
    posix.setNonBlocking(p.readFd(), false);
    assertThat(posix.isNonBlocking(p.readFd())).isFalse();
  }

  @Test
  void pipe2HonoursNonBlockFlag() {
    PipeFds p = posix.pipe2(FileCalls.O_CLOEXEC | FileCalls.O_NONBLOCK);
    track(p.readFd());
    track(p.writeFd());
    assertThat(posix.isNonBlocking(p.readFd())).isTrue();
    assertThat(posix.isNonBlocking(p.writeFd())).isTrue();
  }

  @Test
  void dup2AndDirectBuffers() {
    PipeFds p = pipe();
    int copy = track(posix.dup2(p.writeFd(), p.writeFd() + 100));
    assertThat(copy).isEqualTo(p.writeFd() + 100);
    ByteBuffer out = ByteBuffer.allocateDirect(16).put("direct".getBytes(UTF_8)).flip();
    assertThat(posix.write(copy, out)).isEqualTo(6);
    assertThat(out.remaining()).isZero();
    ByteBuffer in = ByteBuffer.allocateDirect(16);
    in.position(2);
    assertThat(posix.read(p.readFd(), in)).isEqualTo(6);
    assertThat(in.position()).isEqualTo(8);
    byte[] got = new byte[6];
    in.flip().position(2);
    in.get(got);
    assertThat(new String(got, UTF_8)).isEqualTo("direct");
  }

  @Test
  void pollReportsReadiness() {
    PipeFds p = pipe();
    assertThat(posix.poll(p.readFd(), FileCalls.POLLIN, 0)).isZero();
    posix.write(p.writeFd(), new byte[] {9}, 0, 1);
    assertThat(posix.poll(p.readFd(), FileCalls.POLLIN, 1000) & FileCalls.POLLIN).isEqualTo(FileCalls.POLLIN);
  }

  @Test
  void spliceMovesBytesBetweenPipes() {
    PipeFds a = pipe();
    PipeFds b = pipe();
    byte[] data = "spliced".getBytes(UTF_8);
    posix.write(a.writeFd(), data, 0, data.length);
    long moved = posix.splice(a.readFd(), b.writeFd(), 1 << 16,
        FileCalls.SPLICE_F_MOVE | FileCalls.SPLICE_F_MORE | FileCalls.SPLICE_F_NONBLOCK);
    assertThat(moved).isEqualTo(data.length);
    byte[] in = new byte[16];
    int n = posix.read(b.readFd(), in, 0, in.length);
    assertThat(new String(in, 0, n, UTF_8)).isEqualTo("spliced");
    assertThatThrownBy(() -> posix.splice(a.readFd(), b.writeFd(), 16, FileCalls.SPLICE_F_NONBLOCK))
        .isInstanceOfSatisfying(PosixException.class, e -> assertThat(e.wouldBlock()).isTrue());
    posix.close(a.writeFd());
    assertThat(posix.splice(a.readFd(), b.writeFd(), 16, FileCalls.SPLICE_F_NONBLOCK)).isZero();
  }

  @Test
  void spawnMapsFdsAndReportsExitCode() {
    assertThat(runShell("echo hello >&3")).isEqualTo("hello\n");
    PipeFds p = pipe();
    int pid = posix.spawn(SpawnRequest.builder("sh").args("-c", "exit 7").mapFd(1, p.writeFd()).build());
    ExitStatus status = posix.waitpid(pid);
    assertThat(status.pid()).isEqualTo(pid);
    assertThat(status.exited()).isTrue();
    assertThat(status.exitCode()).isEqualTo(7);
  }

  @Test
  void spawnSwapsFdsWithoutClobbering() {
    PipeFds a = pipe();
    PipeFds b = pipe();
    // child fd 3 <- b's write end and child fd 4 <- a's write end, whatever the parent numbers are
    int pid = posix.spawn(SpawnRequest.builder("/bin/sh").args("-c", "echo to-b >&3; echo to-a >&4")
        .mapFd(3, b.writeFd()).mapFd(4, a.writeFd()).mapFd(a.writeFd(), b.writeFd()).build());
    posix.close(a.writeFd());
    posix.close(b.writeFd());
    openFds.removeAll(List.of(a.writeFd(), b.writeFd()));
    assertThat(readAll(a.readFd())).isEqualTo("to-a\n");
    assertThat(readAll(b.readFd())).isEqualTo("to-b\n");
    assertThat(posix.waitpid(pid).exitCode()).isZero();
  }

  /** Runs {@code program args} with its stdout on a pipe and returns the output. */
  private String runWithStdout(SpawnRequest.Builder request) {
    PipeFds p = pipe();
    int pid = posix.spawn(request.mapFd(1, p.writeFd()).build());
    posix.close(p.writeFd());
    openFds.remove(Integer.valueOf(p.writeFd()));
    String out = readAll(p.readFd());
    assertThat(posix.waitpid(pid).exitCode()).isZero();
    return out;
  }

  @Test
  void spawnedChildSeesOnlyMappedFdsAndDevNullStdio() {
    int leaked = track(posix.open(Path.of("/dev/null"), FileCalls.O_RDONLY, 0)); // no O_CLOEXEC on purpose
    assertThat(leaked).isGreaterThan(3);
    PipeFds extra = pipe();
    // ls opens /proc/self/fd itself: the lowest free fd, 3
    String fds = runWithStdout(SpawnRequest.builder("/bin/ls").args("/proc/self/fd").mapFd(7, extra.readFd()));
    assertThat(new TreeSet<>(Arrays.asList(fds.split("\n")))).containsExactly("0", "1", "2", "3", "7");
    String stdio = runWithStdout(SpawnRequest.builder("/bin/readlink").args("/proc/self/fd/0", "/proc/self/fd/2"));
    assertThat(stdio).isEqualTo("/dev/null\n/dev/null\n");
  }

  @Test
  void spawnedChildHasDefaultSignalsAndEmptyMask() {
    String status = runWithStdout(SpawnRequest.builder("/bin/grep").args("-E", "^Sig(Blk|Ign):", "/proc/self/status"));
    String[] lines = status.split("\n");
    assertThat(lines[0]).isEqualTo("SigBlk:\t0000000000000000");
    // glibc's posix_spawn leaves its two internal real-time signals (32, 33) ignored; 1..31 must be default
    assertThat(Long.parseLong(lines[1].substring("SigIgn:\t".length()), 16) & 0x7fffffffL).isZero();
  }

  @Test
  void spawnWithSetsidStartsNewSession() throws Exception {
    PipeFds p = pipe();
    int pid = posix.spawn(SpawnRequest.builder("/bin/sh").args("-c", "read x <&3")
        .mapFd(3, p.readFd()).newSession(true).build());
    try {
      assertThat(sessionOf(pid)).isEqualTo(pid);
    } finally {
      posix.close(p.writeFd());
      openFds.remove(Integer.valueOf(p.writeFd()));
      posix.waitpid(pid);
    }
    int plain = posix.spawn(SpawnRequest.builder("/bin/sleep").args("5").build());
    try {
      assertThat(sessionOf(plain)).isEqualTo(sessionOf(posix.getpid()));
    } finally {
      posix.kill(plain, ProcessCalls.SIGKILL);
      posix.waitpid(plain);
    }
  }

  private static int sessionOf(int pid) throws Exception {
    String stat = Files.readString(Path.of("/proc/" + pid + "/stat"));
    String[] fields = stat.substring(stat.lastIndexOf(')') + 2).split(" ");
    return Integer.parseInt(fields[3]); // state ppid pgrp session
  }

  @Test
  void spawnHonoursWorkingDirectoryAndEnvironment() {
    String out = runShell("pwd >&3; echo $GREETING >&3",
        SpawnRequest.builder("/bin/sh").workingDirectory(dir).env(java.util.Map.of("GREETING", "hi", "PATH", "/bin")));
    assertThat(out).isEqualTo(dir + "\nhi\n");
  }

  @Test
  void spawnOfMissingBinaryIsTypedAndNamesIt() {
    assertThatThrownBy(() -> posix.spawn(SpawnRequest.builder("/no/such/binary").build()))
        .isInstanceOfSatisfying(SpawnException.class, e -> {
          assertThat(e.binary()).isEqualTo("/no/such/binary");
          assertThat(e.errno()).isEqualTo(Errno.ENOENT);
        })
        .hasMessage("failed to spawn /no/such/binary: No such file or directory (errno 2)");
    assertThatThrownBy(() -> posix.spawn(SpawnRequest.builder("no-such-binary-in-path").build()))
        .isInstanceOf(SpawnException.class)
        .hasMessageContaining("no-such-binary-in-path");
  }

  @Test
  void killedChildReportsSignalAs128Plus() {
    int pid = posix.spawn(SpawnRequest.builder("/bin/sleep").args("30").build());
    assertThat(posix.waitpidNoHang(pid)).isEmpty();
    posix.kill(pid, ProcessCalls.SIGKILL);
    ExitStatus status = posix.waitpid(pid);
    assertThat(status.signaled()).isTrue();
    assertThat(status.signal()).isEqualTo(9);
    assertThat(status.exitCode()).isEqualTo(137);
  }

  @Test
  void waitpidNoHangReturnsExitedChild() throws Exception {
    int pid = posix.spawn(SpawnRequest.builder("/bin/true").build());
    long deadline = System.nanoTime() + Duration.ofSeconds(10).toNanos();
    java.util.Optional<ExitStatus> status = posix.waitpidNoHang(pid);
    while (status.isEmpty() && System.nanoTime() < deadline) {
      Thread.sleep(5);
      status = posix.waitpidNoHang(pid);
    }
    assertThat(status).contains(ExitStatus.ofExitCode(pid, 0));
  }

  @Test
  void awaitExitedChildReturnsAnExitedChildWithoutReapingIt() throws Exception {
    int pid = posix.spawn(SpawnRequest.builder("/bin/sh").args("-c", "exit 3").build());
    int exited = posix.awaitExitedChild();
    while (exited != pid) { // a child an earlier test left behind
      posix.waitpid(exited);
      exited = posix.awaitExitedChild();
    }
    assertThat(Files.readString(Path.of("/proc", Integer.toString(pid), "stat")).split(" ")[2])
        .as("still a zombie").isEqualTo("Z");
    assertThat(posix.waitpid(pid)).isEqualTo(ExitStatus.ofExitCode(pid, 3));
  }

  @Test
  void waitpidAndKillOfStrangerAreTyped() {
    assertThatThrownBy(() -> posix.waitpid(1))
        .isInstanceOfSatisfying(PosixException.class, e -> assertThat(e.errno()).isEqualTo(Errno.ECHILD))
        .hasMessageContaining("waitpid pid 1");
    assertThatThrownBy(() -> posix.kill(Integer.MAX_VALUE - 1, 0))
        .isInstanceOfSatisfying(PosixException.class, e -> assertThat(e.errno()).isEqualTo(Errno.ESRCH));
  }

  @Test
  void mountsAndDetachesTmpfs() throws Exception {
    Path target = Files.createDirectory(dir.resolve("mnt"));
    posix.mount("jshim-test", target, "tmpfs", MountCalls.MS_NOSUID | MountCalls.MS_NODEV, "size=1m");
    try {
      assertThat(Files.readString(Path.of("/proc/self/mountinfo"))).contains(" " + target + " ");
      Files.writeString(target.resolve("f"), "x");
    } finally {
      posix.umount2(target, MountCalls.MNT_DETACH);
    }
    assertThat(Files.readString(Path.of("/proc/self/mountinfo"))).doesNotContain(" " + target + " ");
    assertThat(target.resolve("f")).doesNotExist();
    assertThatThrownBy(() -> posix.umount2(target, 0))
        .isInstanceOfSatisfying(PosixException.class, e -> assertThat(e.errno()).isEqualTo(Errno.EINVAL))
        .hasMessageStartingWith("failed to umount2 " + target + ": ");
  }

  @Test
  void eventfdAddsUpAndResets() {
    int efd = track(posix.eventfd(0, NotifyCalls.EFD_CLOEXEC | NotifyCalls.EFD_NONBLOCK));
    assertThatThrownBy(() -> posix.readEventFd(efd))
        .isInstanceOfSatisfying(PosixException.class, e -> assertThat(e.wouldBlock()).isTrue());
    posix.writeEventFd(efd, 3);
    posix.writeEventFd(efd, 4);
    assertThat(posix.readEventFd(efd)).isEqualTo(7);
  }

  @Test
  void blockingEventfdReadWakesOnWrite() throws Exception {
    int efd = track(posix.eventfd(0, NotifyCalls.EFD_CLOEXEC));
    Thread writer = Thread.ofPlatform().start(() -> {
      sleepQuietly(100);
      posix.writeEventFd(efd, 1);
    });
    assertThat(posix.readEventFd(efd)).isEqualTo(1);
    writer.join();
  }

  @Test
  void inotifyReportsModificationsAndCreations() throws Exception {
    Path file = Files.writeString(dir.resolve("memory.events"), "oom 0\n");
    int ifd = track(posix.inotifyInit(NotifyCalls.IN_CLOEXEC | NotifyCalls.IN_NONBLOCK));
    int fileWatch = posix.inotifyAddWatch(ifd, file, NotifyCalls.IN_MODIFY);
    int dirWatch = posix.inotifyAddWatch(ifd, dir, NotifyCalls.IN_CREATE);
    assertThatThrownBy(() -> posix.readInotifyEvents(ifd))
        .isInstanceOfSatisfying(PosixException.class, e -> assertThat(e.wouldBlock()).isTrue());
    Files.writeString(file, "oom 1\n");
    Files.writeString(dir.resolve("new-file"), "");
    assertThat(posix.poll(ifd, FileCalls.POLLIN, 5000)).isNotZero();
    List<InotifyEvent> events = posix.readInotifyEvents(ifd);
    assertThat(events).anySatisfy(e -> {
      assertThat(e.wd()).isEqualTo(fileWatch);
      assertThat(e.mask() & NotifyCalls.IN_MODIFY).isNotZero();
    });
    assertThat(events).anySatisfy(e -> {
      assertThat(e.wd()).isEqualTo(dirWatch);
      assertThat(e.name()).isEqualTo("new-file");
    });
    posix.inotifyRemoveWatch(ifd, fileWatch);
    assertThatThrownBy(() -> posix.inotifyAddWatch(ifd, dir.resolve("absent"), NotifyCalls.IN_MODIFY))
        .isInstanceOfSatisfying(PosixException.class, e -> assertThat(e.errno()).isEqualTo(Errno.ENOENT));
  }

  @Test
  void windowSizeReachesThePty() {
    int master = track(posix.open(Path.of("/dev/ptmx"), FileCalls.O_RDWR | FileCalls.O_NOCTTY | FileCalls.O_CLOEXEC, 0));
    posix.setWindowSize(master, 33, 120);
    String out = runShell("python3 -c 'import fcntl,termios,struct; "
        + "print(struct.unpack(\"HHHH\", fcntl.ioctl(4, termios.TIOCGWINSZ, bytes(8)))[:2])' >&3",
        SpawnRequest.builder("/bin/sh").mapFd(4, master));
    assertThat(out.trim()).isEqualTo("(33, 120)");
    PipeFds p = pipe();
    assertThatThrownBy(() -> posix.setWindowSize(p.readFd(), 1, 1))
        .isInstanceOfSatisfying(PosixException.class, e -> assertThat(e.errno()).isEqualTo(Errno.ENOTTY));
  }

  @Test
  void receivesFdOverScmRights() throws Exception {
    Path socket = dir.resolve("console.sock");
    Path secret = Files.writeString(dir.resolve("secret"), "pty master stand-in");
    try (FdReceivingSocket listener = FdReceivingSocket.listen(posix, socket)) {
      String sender = "import socket,os,sys\n"
          + "s=socket.socket(socket.AF_UNIX, socket.SOCK_STREAM); s.connect(sys.argv[1])\n"
          + "fd=os.open(sys.argv[2], os.O_RDONLY)\n"
          + "socket.send_fds(s, [b'/dev/pts/99'], [fd]); s.close()\n";
      int pid = posix.spawn(SpawnRequest.builder("python3").args("-c", sender, socket.toString(), secret.toString()).build());
      int fd = track(listener.receiveFd(Duration.ofSeconds(20)));
      assertThat(posix.waitpid(pid).exitCode()).isZero();
      assertThat(readAll(fd)).isEqualTo("pty master stand-in");
      assertThatThrownBy(() -> listener.receiveFd(Duration.ofMillis(50)))
          .isInstanceOfSatisfying(PosixException.class, e -> assertThat(e.errno()).isEqualTo(Errno.ETIMEDOUT));
    }
    assertThat(socket).doesNotExist();
  }

  @Test
  void exitStatusDecoding() {
    assertThat(ExitStatus.ofExitCode(5, 3).exitCode()).isEqualTo(3);
    assertThat(ExitStatus.ofExitCode(5, 3).signaled()).isFalse();
    assertThat(ExitStatus.ofSignal(5, 15).exitCode()).isEqualTo(143);
    assertThat(new ExitStatus(5, 0x8b).signal()).isEqualTo(11); // SIGSEGV with core dump bit
  }

  private static void sleepQuietly(long millis) {
    try {
      Thread.sleep(millis);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }
}
