package io.jshim.posix;

import static java.lang.foreign.ValueLayout.ADDRESS;
import static java.lang.foreign.ValueLayout.JAVA_INT;
import static java.lang.foreign.ValueLayout.JAVA_LONG;
import static java.lang.foreign.ValueLayout.JAVA_SHORT;

import java.lang.foreign.FunctionDescriptor;
import java.lang.foreign.Linker;
import java.lang.foreign.MemorySegment;
import java.lang.invoke.MethodHandle;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Optional;

/** {@link Posix} over Java's Foreign Function and Memory API. */
final class FfmPosix implements Posix {
  private static final int PR_SET_CHILD_SUBREAPER = 36;
  private static final int PR_GET_CHILD_SUBREAPER = 37;
  private static final int F_GETFL = 3;
  private static final int F_SETFL = 4;
  private static final long TIOCSWINSZ = 0x5414;
  private static final int WNOHANG = 1;
  private static final int P_ALL = 0;
  private static final int WEXITED = 4;
  private static final int WNOWAIT = 0x01000000;
  /** {@code sizeof(siginfo_t)} and the offset of {@code si_pid} in it (LP64). */
  private static final long SIGINFO_SIZE = 128;
  private static final long SI_PID_OFFSET = 16;

  // Handles are linked per group on first use (class initialisation is lazy): a shim that only calls
  // getpid and mkfifo does not pay for linking the rest.
  private static final class Proc {
    static final MethodHandle GETPID = Ffm.plain("getpid", FunctionDescriptor.of(JAVA_INT));
    static final MethodHandle PRCTL = Ffm.capturing("prctl",
        FunctionDescriptor.of(JAVA_INT, JAVA_INT, JAVA_LONG, JAVA_LONG, JAVA_LONG, JAVA_LONG),
        Linker.Option.firstVariadicArg(1));
    static final MethodHandle WAITPID =
        Ffm.capturing("waitpid", FunctionDescriptor.of(JAVA_INT, JAVA_INT, ADDRESS, JAVA_INT));
    static final MethodHandle WAITID =
        Ffm.capturing("waitid", FunctionDescriptor.of(JAVA_INT, JAVA_INT, JAVA_INT, ADDRESS, JAVA_INT));
    static final MethodHandle KILL = Ffm.capturing("kill", FunctionDescriptor.of(JAVA_INT, JAVA_INT, JAVA_INT));
  }

  private static final class Fd {
    static final MethodHandle MKFIFO = Ffm.capturing("mkfifo", FunctionDescriptor.of(JAVA_INT, ADDRESS, JAVA_INT));
    static final MethodHandle OPEN = Ffm.capturing("open",
        FunctionDescriptor.of(JAVA_INT, ADDRESS, JAVA_INT, JAVA_INT), Linker.Option.firstVariadicArg(2));
    static final MethodHandle CLOSE = Ffm.capturing("close", FunctionDescriptor.of(JAVA_INT, JAVA_INT));
    static final MethodHandle DUP2 = Ffm.capturing("dup2", FunctionDescriptor.of(JAVA_INT, JAVA_INT, JAVA_INT));
    static final MethodHandle PIPE2 = Ffm.capturing("pipe2", FunctionDescriptor.of(JAVA_INT, ADDRESS, JAVA_INT));
    static final MethodHandle READ =
        Ffm.capturing("read", FunctionDescriptor.of(JAVA_LONG, JAVA_INT, ADDRESS, JAVA_LONG));
    static final MethodHandle WRITE =
        Ffm.capturing("write", FunctionDescriptor.of(JAVA_LONG, JAVA_INT, ADDRESS, JAVA_LONG));
    static final MethodHandle FCNTL = Ffm.capturing("fcntl",
        FunctionDescriptor.of(JAVA_INT, JAVA_INT, JAVA_INT, JAVA_INT), Linker.Option.firstVariadicArg(2));
  }

  private static final class Io {
    static final MethodHandle SPLICE = Ffm.capturing("splice",
        FunctionDescriptor.of(JAVA_LONG, JAVA_INT, ADDRESS, JAVA_INT, ADDRESS, JAVA_LONG, JAVA_INT));
    static final MethodHandle POLL =
        Ffm.capturing("poll", FunctionDescriptor.of(JAVA_INT, ADDRESS, JAVA_LONG, JAVA_INT));
    static final MethodHandle IOCTL = Ffm.capturing("ioctl",
        FunctionDescriptor.of(JAVA_INT, JAVA_INT, JAVA_LONG, ADDRESS), Linker.Option.firstVariadicArg(2));
  }

  private static final class Mounts {
    static final MethodHandle MOUNT = Ffm.capturing("mount",
        FunctionDescriptor.of(JAVA_INT, ADDRESS, ADDRESS, ADDRESS, JAVA_LONG, ADDRESS));
    static final MethodHandle UMOUNT2 =
        Ffm.capturing("umount2", FunctionDescriptor.of(JAVA_INT, ADDRESS, JAVA_INT));
  }

  private static final class Notify {
    static final MethodHandle EVENTFD =
        Ffm.capturing("eventfd", FunctionDescriptor.of(JAVA_INT, JAVA_INT, JAVA_INT));
    static final MethodHandle INOTIFY_INIT1 =
        Ffm.capturing("inotify_init1", FunctionDescriptor.of(JAVA_INT, JAVA_INT));
    static final MethodHandle INOTIFY_ADD_WATCH =
        Ffm.capturing("inotify_add_watch", FunctionDescriptor.of(JAVA_INT, JAVA_INT, ADDRESS, JAVA_INT));
    static final MethodHandle INOTIFY_RM_WATCH =
        Ffm.capturing("inotify_rm_watch", FunctionDescriptor.of(JAVA_INT, JAVA_INT, JAVA_INT));
  }

  @Override
  public PosixImplementation implementation() {
    return PosixImplementation.FFM;
  }

  @Override
  public int getpid() {
    try {
      return (int) Proc.GETPID.invokeExact();
    } catch (Throwable t) {
      throw new IllegalStateException("native call getpid failed unexpectedly", t);
    }
  }

  @Override
  public void setChildSubreaper() {
    Ffm.callInt("prctl", "PR_SET_CHILD_SUBREAPER",
        (a, cs) -> (int) Proc.PRCTL.invokeExact(cs, PR_SET_CHILD_SUBREAPER, 1L, 0L, 0L, 0L));
  }

  @Override
  public boolean isChildSubreaper() {
    return Ffm.callInt("prctl", "PR_GET_CHILD_SUBREAPER", (a, cs) -> {
      MemorySegment value = a.allocate(JAVA_INT);
      int rc = (int) Proc.PRCTL.invokeExact(cs, PR_GET_CHILD_SUBREAPER, value.address(), 0L, 0L, 0L);
      return rc == -1 ? -1 : value.get(JAVA_INT, 0);
    }) != 0;
  }

  @Override
  public int spawn(SpawnRequest request) {
    return FfmSpawner.spawn(request);
  }

  @Override
  public ExitStatus waitpid(int pid) {
    return waitpid(pid, 0).orElseThrow();
  }

  @Override
  public int awaitExitedChild() {
    return Ffm.callInt("waitid", "any child", (a, cs) -> {
      MemorySegment info = a.allocate(SIGINFO_SIZE, 8);
      int rc = (int) Proc.WAITID.invokeExact(cs, P_ALL, 0, info, WEXITED | WNOWAIT);
      return rc == -1 ? -1 : info.get(JAVA_INT, SI_PID_OFFSET);
    });
  }

  @Override
  public Optional<ExitStatus> waitpidNoHang(int pid) {
    return waitpid(pid, WNOHANG);
  }

  private Optional<ExitStatus> waitpid(int pid, int options) {
    int[] status = new int[1];
    int child = Ffm.callInt("waitpid", "pid " + pid, (a, cs) -> {
      MemorySegment wstatus = a.allocate(JAVA_INT);
      int rc = (int) Proc.WAITPID.invokeExact(cs, pid, wstatus, options);
      status[0] = wstatus.get(JAVA_INT, 0);
      return rc;
    });
    return child == 0 ? Optional.empty() : Optional.of(new ExitStatus(child, status[0]));
  }

  @Override
  public void kill(int pid, int signal) {
    Ffm.callInt("kill", "pid " + pid + " with signal " + signal, (a, cs) -> (int) Proc.KILL.invokeExact(cs, pid, signal));
  }

  @Override
  public void mkfifo(Path path, int mode) {
    Ffm.callInt("mkfifo", path, (a, cs) -> (int) Fd.MKFIFO.invokeExact(cs, a.allocateFrom(path.toString()), mode));
  }

  @Override
  public int open(Path path, int flags, int mode) {
    return Ffm.callInt("open", path,
        (a, cs) -> (int) Fd.OPEN.invokeExact(cs, a.allocateFrom(path.toString()), flags, mode));
  }

  @Override
  public void close(int fd) {
    int rc = Ffm.callIntOnce((a, cs) -> (int) Fd.CLOSE.invokeExact(cs, fd));
    if (rc < 0 && rc != -Errno.EINTR) {
      throw Ffm.error("close", "fd " + fd, -rc);
    }
  }

  @Override
  public int dup2(int oldFd, int newFd) {
    return Ffm.callInt("dup2", "fd " + oldFd + " to " + newFd, (a, cs) -> (int) Fd.DUP2.invokeExact(cs, oldFd, newFd));
  }

  @Override
  public PipeFds pipe2(int flags) {
    int[] fds = new int[2];
    Ffm.callInt("pipe2", "", (a, cs) -> {
      MemorySegment pair = a.allocate(JAVA_INT, 2);
      int rc = (int) Fd.PIPE2.invokeExact(cs, pair, flags);
      fds[0] = pair.getAtIndex(JAVA_INT, 0);
      fds[1] = pair.getAtIndex(JAVA_INT, 1);
      return rc;
    });
    return new PipeFds(fds[0], fds[1]);
  }

  @Override
  public int read(int fd, byte[] buf, int off, int len) {
    java.util.Objects.checkFromIndexSize(off, len, buf.length);
    return (int) Ffm.callLong("read", "fd " + fd, (a, cs) -> {
      MemorySegment native_ = a.allocate(Math.max(1, len));
      long n = (long) Fd.READ.invokeExact(cs, fd, native_, (long) len);
      if (n > 0) {
        MemorySegment.copy(native_, JAVA_BYTE_LAYOUT, 0, buf, off, (int) n);
      }
      return n;
    });
  }

  private static final java.lang.foreign.ValueLayout.OfByte JAVA_BYTE_LAYOUT = java.lang.foreign.ValueLayout.JAVA_BYTE;

  @Override
  public int read(int fd, ByteBuffer directBuffer) {
    MemorySegment target = direct(directBuffer);
    int n = (int) Ffm.callLong("read", "fd " + fd,
        (a, cs) -> (long) Fd.READ.invokeExact(cs, fd, target, target.byteSize()));
    directBuffer.position(directBuffer.position() + n);
    return n;
  }

  @Override
  public int write(int fd, byte[] buf, int off, int len) {
    java.util.Objects.checkFromIndexSize(off, len, buf.length);
    return (int) Ffm.callLong("write", "fd " + fd, (a, cs) -> {
      MemorySegment native_ = a.allocate(Math.max(1, len));
      MemorySegment.copy(buf, off, native_, JAVA_BYTE_LAYOUT, 0, len);
      return (long) Fd.WRITE.invokeExact(cs, fd, native_, (long) len);
    });
  }

  @Override
  public int write(int fd, ByteBuffer directBuffer) {
    MemorySegment source = direct(directBuffer);
    int n = (int) Ffm.callLong("write", "fd " + fd,
        (a, cs) -> (long) Fd.WRITE.invokeExact(cs, fd, source, source.byteSize()));
    directBuffer.position(directBuffer.position() + n);
    return n;
  }

  private static MemorySegment direct(ByteBuffer buffer) {
    if (!buffer.isDirect()) {
      throw new IllegalArgumentException("buffer must be direct");
    }
    return MemorySegment.ofBuffer(buffer);
  }

  @Override
  public void setNonBlocking(int fd, boolean nonBlocking) {
    int flags = Ffm.callInt("fcntl(F_GETFL)", "fd " + fd, (a, cs) -> (int) Fd.FCNTL.invokeExact(cs, fd, F_GETFL, 0));
    int updated = nonBlocking ? flags | O_NONBLOCK : flags & ~O_NONBLOCK;
    if (updated != flags) {
      Ffm.callInt("fcntl(F_SETFL)", "fd " + fd, (a, cs) -> (int) Fd.FCNTL.invokeExact(cs, fd, F_SETFL, updated));
    }
  }

  @Override
  public boolean isNonBlocking(int fd) {
    int flags = Ffm.callInt("fcntl(F_GETFL)", "fd " + fd, (a, cs) -> (int) Fd.FCNTL.invokeExact(cs, fd, F_GETFL, 0));
    return (flags & O_NONBLOCK) != 0;
  }

  @Override
  public long splice(int fdIn, int fdOut, long len, int flags) {
    return Ffm.callLong("splice", "fd " + fdIn + " to fd " + fdOut, (a, cs) -> (long) Io.SPLICE.invokeExact(
        cs, fdIn, MemorySegment.NULL, fdOut, MemorySegment.NULL, len, flags));
  }

  @Override
  public int poll(int fd, short events, int timeoutMillis) {
    return Ffm.callInt("poll", "fd " + fd, (a, cs) -> {
      MemorySegment pollfd = a.allocate(8, 4);
      pollfd.set(JAVA_INT, 0, fd);
      pollfd.set(JAVA_SHORT, 4, events);
      int rc = (int) Io.POLL.invokeExact(cs, pollfd, 1L, timeoutMillis);
      return rc <= 0 ? rc : pollfd.get(JAVA_SHORT, 6) & 0xffff;
    });
  }

  @Override
  public void setWindowSize(int fd, int rows, int columns) {
    Ffm.callInt("ioctl(TIOCSWINSZ)", "fd " + fd, (a, cs) -> {
      MemorySegment winsize = a.allocate(8, 2);
      winsize.set(JAVA_SHORT, 0, (short) rows);
      winsize.set(JAVA_SHORT, 2, (short) columns);
      return (int) Io.IOCTL.invokeExact(cs, fd, TIOCSWINSZ, winsize);
    });
  }

  @Override
  public void mount(String source, Path target, String fstype, long flags, String data) {
    Ffm.callInt("mount", (source == null ? "" : source + " on ") + target, (a, cs) -> (int) Mounts.MOUNT.invokeExact(cs,
        Ffm.cString(a, source), a.allocateFrom(target.toString()), Ffm.cString(a, fstype), flags,
        Ffm.cString(a, data)));
  }

  @Override
  public void umount2(Path target, int flags) {
    Ffm.callInt("umount2", target, (a, cs) -> (int) Mounts.UMOUNT2.invokeExact(cs, a.allocateFrom(target.toString()), flags));
  }

  @Override
  public int eventfd(int initialValue, int flags) {
    return Ffm.callInt("eventfd", "", (a, cs) -> (int) Notify.EVENTFD.invokeExact(cs, initialValue, flags));
  }

  @Override
  public long readEventFd(int fd) {
    long[] value = new long[1];
    Ffm.callLong("read eventfd", "fd " + fd, (a, cs) -> {
      MemorySegment counter = a.allocate(JAVA_LONG);
      long n = (long) Fd.READ.invokeExact(cs, fd, counter, 8L);
      value[0] = counter.get(JAVA_LONG, 0);
      return n;
    });
    return value[0];
  }

  @Override
  public void writeEventFd(int fd, long value) {
    Ffm.callLong("write eventfd", "fd " + fd, (a, cs) -> {
      MemorySegment counter = a.allocate(JAVA_LONG);
      counter.set(JAVA_LONG, 0, value);
      return (long) Fd.WRITE.invokeExact(cs, fd, counter, 8L);
    });
  }

  @Override
  public int inotifyInit(int flags) {
    return Ffm.callInt("inotify_init1", "", (a, cs) -> (int) Notify.INOTIFY_INIT1.invokeExact(cs, flags));
  }

  @Override
  public int inotifyAddWatch(int fd, Path path, int mask) {
    return Ffm.callInt("inotify_add_watch", path,
        (a, cs) -> (int) Notify.INOTIFY_ADD_WATCH.invokeExact(cs, fd, a.allocateFrom(path.toString()), mask));
  }

  @Override
  public void inotifyRemoveWatch(int fd, int wd) {
    Ffm.callInt("inotify_rm_watch", "wd " + wd, (a, cs) -> (int) Notify.INOTIFY_RM_WATCH.invokeExact(cs, fd, wd));
  }

  @Override
  public List<InotifyEvent> readInotifyEvents(int fd) {
    ByteBuffer buffer = ByteBuffer.allocateDirect(InotifyEvents.BUFFER_BYTES).order(ByteOrder.nativeOrder());
    read(fd, buffer);
    return InotifyEvents.decode(buffer.flip());
  }

  @Override
  public int listenUnix(Path path) {
    return FfmSockets.listenUnix(this, path);
  }

  @Override
  public int receiveFd(int listenFd, Duration timeout) {
    return FfmSockets.receiveFd(this, listenFd, timeout);
  }

}
