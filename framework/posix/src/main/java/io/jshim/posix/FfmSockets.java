package io.jshim.posix;

import static io.jshim.posix.UnixSocketAbi.*;
import static java.lang.foreign.ValueLayout.ADDRESS;
import static java.lang.foreign.ValueLayout.JAVA_BYTE;
import static java.lang.foreign.ValueLayout.JAVA_INT;
import static java.lang.foreign.ValueLayout.JAVA_LONG;
import static java.lang.foreign.ValueLayout.JAVA_SHORT;

import java.lang.foreign.FunctionDescriptor;
import java.lang.foreign.MemorySegment;
import java.lang.invoke.MethodHandle;
import java.nio.file.Path;
import java.time.Duration;

/** Unix socket calls and SCM_RIGHTS reception through FFM. */
final class FfmSockets {
  private FfmSockets() {}

  private static final MethodHandle SOCKET =
      Ffm.capturing("socket", FunctionDescriptor.of(JAVA_INT, JAVA_INT, JAVA_INT, JAVA_INT));
  private static final MethodHandle BIND =
      Ffm.capturing("bind", FunctionDescriptor.of(JAVA_INT, JAVA_INT, ADDRESS, JAVA_INT));
  private static final MethodHandle LISTEN = Ffm.capturing("listen", FunctionDescriptor.of(JAVA_INT, JAVA_INT, JAVA_INT));
  private static final MethodHandle ACCEPT4 =
      Ffm.capturing("accept4", FunctionDescriptor.of(JAVA_INT, JAVA_INT, ADDRESS, ADDRESS, JAVA_INT));
  private static final MethodHandle RECVMSG =
      Ffm.capturing("recvmsg", FunctionDescriptor.of(JAVA_LONG, JAVA_INT, ADDRESS, JAVA_INT));

  static int listenUnix(Posix posix, Path path) {
    byte[] sunPath = sunPath(path);
    int fd = Ffm.callInt("socket", path, (a, cs) -> (int) SOCKET.invokeExact(cs, AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0));
    try {
      Ffm.callInt("bind", path, (a, cs) -> {
        MemorySegment addr = a.allocate(SOCKADDR_UN_BYTES, 2);
        addr.set(JAVA_SHORT, 0, (short) AF_UNIX);
        MemorySegment.copy(sunPath, 0, addr, JAVA_BYTE, SUN_PATH_OFFSET, sunPath.length);
        return (int) BIND.invokeExact(cs, fd, addr, SUN_PATH_OFFSET + sunPath.length + 1);
      });
      Ffm.callInt("listen", path, (a, cs) -> (int) LISTEN.invokeExact(cs, fd, 4));
      return fd;
    } catch (RuntimeException e) {
      posix.close(fd);
      throw e;
    }
  }

  static int receiveFd(Posix posix, int listenFd, Duration timeout) {
    String subject = "on socket fd " + listenFd;
    if (posix.poll(listenFd, FileCalls.POLLIN, timeoutMillis(timeout)) == 0) {
      throw new PosixException("accept", subject + " within " + timeout, Errno.ETIMEDOUT, Ffm.strerror(Errno.ETIMEDOUT));
    }
    int conn = Ffm.callInt("accept4", subject,
        (a, cs) -> (int) ACCEPT4.invokeExact(cs, listenFd, MemorySegment.NULL, MemorySegment.NULL, SOCK_CLOEXEC));
    try {
      int[] received = {-1};
      Ffm.callLong("recvmsg", subject, (a, cs) -> {
        MemorySegment payload = a.allocate(PAYLOAD_BYTES);
        MemorySegment iov = a.allocate(IOVEC_BYTES, 8);
        iov.set(ADDRESS, 0, payload);
        iov.set(JAVA_LONG, 8, PAYLOAD_BYTES);
        MemorySegment control = a.allocate(CONTROL_BYTES, 8);
        MemorySegment msg = a.allocate(MSGHDR_BYTES, 8);
        msg.set(ADDRESS, MSG_IOV, iov);
        msg.set(JAVA_LONG, MSG_IOVLEN, 1L);
        msg.set(ADDRESS, MSG_CONTROL, control);
        msg.set(JAVA_LONG, MSG_CONTROLLEN, CONTROL_BYTES);
        long n = (long) RECVMSG.invokeExact(cs, conn, msg, MSG_CMSG_CLOEXEC);
        if (n >= 0) {
          received[0] = firstFd(posix, control, msg.get(JAVA_LONG, MSG_CONTROLLEN));
        }
        return n;
      });
      if (received[0] < 0) {
        throw new PosixException("receive fd", subject, Errno.EINVAL, "peer sent no SCM_RIGHTS fd");
      }
      return received[0];
    } finally {
      posix.close(conn);
    }
  }

  /** The first fd of the first SCM_RIGHTS message; any further fds are closed. */
  private static int firstFd(Posix posix, MemorySegment control, long controlLength) {
    if (controlLength < CMSG_DATA + 4) {
      return -1;
    }
    long cmsgLen = control.get(JAVA_LONG, 0);
    if (control.get(JAVA_INT, CMSG_LEVEL) != SOL_SOCKET || control.get(JAVA_INT, CMSG_TYPE) != SCM_RIGHTS) {
      return -1;
    }
    int count = (int) ((Math.min(cmsgLen, controlLength) - CMSG_DATA) / 4);
    int first = control.get(JAVA_INT, CMSG_DATA);
    for (int i = 1; i < count; i++) {
      posix.close(control.get(JAVA_INT, CMSG_DATA + 4L * i));
    }
    return first;
  }
}
