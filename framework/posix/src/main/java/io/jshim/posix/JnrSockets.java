package io.jshim.posix;

import static io.jshim.posix.UnixSocketAbi.*;

import java.nio.file.Path;
import java.time.Duration;
import jnr.ffi.Pointer;

/** Unix socket calls and SCM_RIGHTS reception through jnr-ffi. */
final class JnrSockets {
  private final Jnr jnr;

  JnrSockets(Jnr jnr) {
    this.jnr = jnr;
  }

  int listenUnix(Posix posix, Path path) {
    byte[] sunPath = sunPath(path);
    int fd = jnr.callInt("socket", path, () -> jnr.libc.socket(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0));
    try {
      Pointer addr = jnr.allocate(SOCKADDR_UN_BYTES);
      addr.putShort(0, (short) AF_UNIX);
      addr.put(SUN_PATH_OFFSET, sunPath, 0, sunPath.length);
      jnr.callInt("bind", path, () -> jnr.libc.bind(fd, addr, SUN_PATH_OFFSET + sunPath.length + 1));
      jnr.callInt("listen", path, () -> jnr.libc.listen(fd, 4));
      return fd;
    } catch (RuntimeException e) {
      posix.close(fd);
      throw e;
    }
  }

  int receiveFd(Posix posix, int listenFd, Duration timeout) {
    String subject = "on socket fd " + listenFd;
    if (posix.poll(listenFd, FileCalls.POLLIN, timeoutMillis(timeout)) == 0) {
      throw new PosixException("accept", subject + " within " + timeout, Errno.ETIMEDOUT, jnr.strerror(Errno.ETIMEDOUT));
    }
    int conn = jnr.callInt("accept4", subject, () -> jnr.libc.accept4(listenFd, null, null, SOCK_CLOEXEC));
    try {
      Pointer payload = jnr.allocate(PAYLOAD_BYTES);
      Pointer iov = jnr.allocate(IOVEC_BYTES);
      iov.putPointer(0, payload);
      iov.putLong(8, PAYLOAD_BYTES);
      Pointer control = jnr.allocate(CONTROL_BYTES);
      Pointer msg = jnr.allocate(MSGHDR_BYTES);
      msg.putPointer(MSG_IOV, iov);
      msg.putLong(MSG_IOVLEN, 1L);
      msg.putPointer(MSG_CONTROL, control);
      msg.putLong(MSG_CONTROLLEN, CONTROL_BYTES);
      jnr.callLong("recvmsg", subject, () -> jnr.libc.recvmsg(conn, msg, MSG_CMSG_CLOEXEC));
      int fd = firstFd(posix, control, msg.getLong(MSG_CONTROLLEN));
      if (fd < 0) {
        throw new PosixException("receive fd", subject, Errno.EINVAL, "peer sent no SCM_RIGHTS fd");
      }
      return fd;
    } finally {
      posix.close(conn);
    }
  }

  private static int firstFd(Posix posix, Pointer control, long controlLength) {
    if (controlLength < CMSG_DATA + 4) {
      return -1;
    }
    if (control.getInt(CMSG_LEVEL) != SOL_SOCKET || control.getInt(CMSG_TYPE) != SCM_RIGHTS) {
      return -1;
    }
    int count = (int) ((Math.min(control.getLong(0), controlLength) - CMSG_DATA) / 4);
    int first = control.getInt(CMSG_DATA);
    for (int i = 1; i < count; i++) {
      posix.close(control.getInt(CMSG_DATA + 4L * i));
    }
    return first;
  }
}
