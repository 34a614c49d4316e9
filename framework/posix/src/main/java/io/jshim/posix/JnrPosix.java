package io.jshim.posix;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Objects;
import java.util.Optional;
import jnr.constants.platform.Fcntl;
import jnr.ffi.Pointer;
import jnr.posix.POSIX;
import jnr.posix.POSIXFactory;

/** {@link Posix} over jnr-posix, with jnr-ffi ({@link JnrLibC}) for the calls jnr-posix lacks. */
final class JnrPosix implements Posix {
  private static final int PR_SET_CHILD_SUBREAPER = 36;
  private static final int PR_GET_CHILD_SUBREAPER = 37;
  private static final long TIOCSWINSZ = 0x5414;
  private static final int WNOHANG = 1;
  private static final int P_ALL = 0;
  private static final int WEXITED = 4;
  private static final int WNOWAIT = 0x01000000;
  /** {@code sizeof(siginfo_t)} and the offset of {@code si_pid} in it (LP64). */
  private static final int SIGINFO_SIZE = 128;
  private static final int SI_PID_OFFSET = 16;

  private final POSIX posix = POSIXFactory.getNativePOSIX(new JnrPosixHandler());
  private final Jnr jnr = new Jnr();
  private final JnrSpawner spawner = new JnrSpawner(jnr);
  private final JnrSockets sockets = new JnrSockets(jnr);

  @Override
  public PosixImplementation implementation() {
    return PosixImplementation.JNR;
  }

  @Override
  public int getpid() {
    return posix.getpid();
  }

  @Override
  public void setChildSubreaper() {
    jnr.callInt("prctl", "PR_SET_CHILD_SUBREAPER", () -> jnr.libc.prctl(PR_SET_CHILD_SUBREAPER, 1, 0, 0, 0));
  }

  @Override
  public boolean isChildSubreaper() {
    Pointer value = jnr.allocate(4);
    jnr.callInt("prctl", "PR_GET_CHILD_SUBREAPER",
        () -> jnr.libc.prctl(PR_GET_CHILD_SUBREAPER, value.address(), 0, 0, 0));
    return value.getInt(0) != 0;
  }

  @Override
  public int spawn(SpawnRequest request) {
    return spawner.spawn(request);
  }

  @Override
  public ExitStatus waitpid(int pid) {
    return waitpid(pid, 0).orElseThrow();
  }

  @Override
  public int awaitExitedChild() {
    Pointer info = jnr.allocate(SIGINFO_SIZE);
    jnr.callInt("waitid", "any child", () -> jnr.libc.waitid(P_ALL, 0, info, WEXITED | WNOWAIT));
    return info.getInt(SI_PID_OFFSET);
  }

  @Override
  public Optional<ExitStatus> waitpidNoHang(int pid) {
    return waitpid(pid, WNOHANG);
  }

  private Optional<ExitStatus> waitpid(int pid, int options) {
    int[] status = new int[1];
    int child = jnr.callInt("waitpid", "pid " + pid, () -> posix.waitpid(pid, status, options));
    return child == 0 ? Optional.empty() : Optional.of(new ExitStatus(child, status[0]));
  }

  @Override
  public void kill(int pid, int signal) {
    jnr.callInt("kill", "pid " + pid + " with signal " + signal, () -> posix.kill(pid, signal));
  }

  @Override
  public void mkfifo(Path path, int mode) {
    jnr.callInt("mkfifo", path, () -> posix.mkfifo(path.toString(), mode));
  }

  @Override
  public int open(Path path, int flags, int mode) {
    return jnr.callInt("open", path, () -> posix.open(path.toString(), flags, mode));
  }

  @Override
  public void close(int fd) {
    try {
      if (posix.close(fd) == 0) {
        return;
      }
      int errno = jnr.lastErrno();
      if (errno != Errno.EINTR) {
        throw jnr.error("close", "fd " + fd, errno);
      }
    } catch (Jnr.JnrHandlerError e) {
      throw jnr.error("close", "fd " + fd, e.errno);
    }
  }

  @Override
  public int dup2(int oldFd, int newFd) {
    return jnr.callInt("dup2", "fd " + oldFd + " to " + newFd, () -> posix.dup2(oldFd, newFd));
  }

  @Override
  public PipeFds pipe2(int flags) {
    int[] fds = new int[2];
    jnr.callInt("pipe2", "", () -> jnr.libc.pipe2(fds, flags));
    return new PipeFds(fds[0], fds[1]);
  }

  @Override
  public int read(int fd, byte[] buf, int off, int len) {
    Objects.checkFromIndexSize(off, len, buf.length);
    if (off == 0) {
      return jnr.callInt("read", "fd " + fd, () -> posix.read(fd, buf, len));
    }
    byte[] tmp = new byte[len];
    int n = jnr.callInt("read", "fd " + fd, () -> posix.read(fd, tmp, len));
    System.arraycopy(tmp, 0, buf, off, Math.max(0, n));
    return n;
  }

  @Override
  public int read(int fd, ByteBuffer directBuffer) {
    requireDirect(directBuffer);
    ByteBuffer window = directBuffer.slice();
    int n = jnr.callInt("read", "fd " + fd, () -> posix.read(fd, window, window.remaining()));
    directBuffer.position(directBuffer.position() + n);
    return n;
  }

  @Override
  public int write(int fd, byte[] buf, int off, int len) {
    Objects.checkFromIndexSize(off, len, buf.length);
    byte[] data = off == 0 ? buf : java.util.Arrays.copyOfRange(buf, off, off + len);
    return jnr.callInt("write", "fd " + fd, () -> posix.write(fd, data, len));
  }

  @Override
  public int write(int fd, ByteBuffer directBuffer) {
    requireDirect(directBuffer);
    ByteBuffer window = directBuffer.slice();
    int n = jnr.callInt("write", "fd " + fd, () -> posix.write(fd, window, window.remaining()));
    directBuffer.position(directBuffer.position() + n);
    return n;
  }

  private static void requireDirect(ByteBuffer buffer) {
    if (!buffer.isDirect()) {
      throw new IllegalArgumentException("buffer must be direct");
    }
  }

  @Override
  public void setNonBlocking(int fd, boolean nonBlocking) {
    int flags = jnr.callInt("fcntl(F_GETFL)", "fd " + fd, () -> posix.fcntl(fd, Fcntl.F_GETFL));
    int updated = nonBlocking ? flags | O_NONBLOCK : flags & ~O_NONBLOCK;
    if (updated != flags) {
      jnr.callInt("fcntl(F_SETFL)", "fd " + fd, () -> posix.fcntlInt(fd, Fcntl.F_SETFL, updated));
    }
  }

  @Override
  public boolean isNonBlocking(int fd) {
    return (jnr.callInt("fcntl(F_GETFL)", "fd " + fd, () -> posix.fcntl(fd, Fcntl.F_GETFL)) & O_NONBLOCK) != 0;
  }

  @Override
  public long splice(int fdIn, int fdOut, long len, int flags) {
    return jnr.callLong("splice", "fd " + fdIn + " to fd " + fdOut,
        () -> jnr.libc.splice(fdIn, null, fdOut, null, len, flags));
  }

  @Override
  public int poll(int fd, short events, int timeoutMillis) {
    Pointer pollfd = jnr.allocate(8);
    pollfd.putInt(0, fd);
    pollfd.putShort(4, events);
    int rc = jnr.callInt("poll", "fd " + fd, () -> jnr.libc.poll(pollfd, 1, timeoutMillis));
    return rc == 0 ? 0 : pollfd.getShort(6) & 0xffff;
  }

  @Override
  public void setWindowSize(int fd, int rows, int columns) {
    Pointer winsize = jnr.allocate(8);
    winsize.putShort(0, (short) rows);
    winsize.putShort(2, (short) columns);
    jnr.callInt("ioctl(TIOCSWINSZ)", "fd " + fd, () -> jnr.libc.ioctl(fd, TIOCSWINSZ, winsize));
  }

  @Override
  public void mount(String source, Path target, String fstype, long flags, String data) {
    jnr.callInt("mount", (source == null ? "" : source + " on ") + target,
        () -> jnr.libc.mount(source, target.toString(), fstype, flags, data));
  }

  @Override
  public void umount2(Path target, int flags) {
    jnr.callInt("umount2", target, () -> jnr.libc.umount2(target.toString(), flags));
  }

  @Override
  public int eventfd(int initialValue, int flags) {
    return jnr.callInt("eventfd", "", () -> jnr.libc.eventfd(initialValue, flags));
  }

  @Override
  public long readEventFd(int fd) {
    Pointer counter = jnr.allocate(8);
    jnr.callLong("read eventfd", "fd " + fd, () -> jnr.libc.read(fd, counter, 8));
    return counter.getLong(0);
  }

  @Override
  public void writeEventFd(int fd, long value) {
    Pointer counter = jnr.allocate(8);
    counter.putLong(0, value);
    jnr.callLong("write eventfd", "fd " + fd, () -> jnr.libc.write(fd, counter, 8));
  }

  @Override
  public int inotifyInit(int flags) {
    return jnr.callInt("inotify_init1", "", () -> jnr.libc.inotify_init1(flags));
  }

  @Override
  public int inotifyAddWatch(int fd, Path path, int mask) {
    return jnr.callInt("inotify_add_watch", path, () -> jnr.libc.inotify_add_watch(fd, path.toString(), mask));
  }

  @Override
  public void inotifyRemoveWatch(int fd, int wd) {
    jnr.callInt("inotify_rm_watch", "wd " + wd, () -> jnr.libc.inotify_rm_watch(fd, wd));
  }

  @Override
  public List<InotifyEvent> readInotifyEvents(int fd) {
    Pointer buffer = jnr.allocate(InotifyEvents.BUFFER_BYTES);
    int n = (int) jnr.callLong("read", "fd " + fd, () -> jnr.libc.read(fd, buffer, InotifyEvents.BUFFER_BYTES));
    byte[] bytes = new byte[n];
    buffer.get(0, bytes, 0, n);
    return InotifyEvents.decode(ByteBuffer.wrap(bytes).order(ByteOrder.nativeOrder()));
  }

  @Override
  public int listenUnix(Path path) {
    return sockets.listenUnix(this, path);
  }

  @Override
  public int receiveFd(int listenFd, Duration timeout) {
    return sockets.receiveFd(this, listenFd, timeout);
  }
}
