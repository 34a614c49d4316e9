package io.jshim.posix;

import java.nio.charset.StandardCharsets;
import java.nio.file.Path;

/** Constants and struct offsets of Unix sockets and SCM_RIGHTS (same on Linux x86_64 and aarch64, LP64). */
final class UnixSocketAbi {
  static final int AF_UNIX = 1;
  static final int SOCK_STREAM = 1;
  static final int SOCK_CLOEXEC = 02000000;
  static final int SOL_SOCKET = 1;
  static final int SCM_RIGHTS = 1;
  static final int MSG_CMSG_CLOEXEC = 0x40000000;
  static final int ENAMETOOLONG = 36;

  /** struct sockaddr_un: sa_family_t (2 bytes) then char sun_path[108]. */
  static final int SOCKADDR_UN_BYTES = 110;
  static final int SUN_PATH_OFFSET = 2;
  static final int SUN_PATH_BYTES = 108;

  /** struct msghdr (56 bytes): name@0, namelen@8, iov@16, iovlen@24, control@32, controllen@40, flags@48. */
  static final int MSGHDR_BYTES = 56;
  static final int MSG_IOV = 16;
  static final int MSG_IOVLEN = 24;
  static final int MSG_CONTROL = 32;
  static final int MSG_CONTROLLEN = 40;
  /** struct iovec: base@0, len@8. */
  static final int IOVEC_BYTES = 16;
  /** struct cmsghdr: size_t len@0, int level@8, int type@12, data@16. */
  static final int CMSG_LEVEL = 8;
  static final int CMSG_TYPE = 12;
  static final int CMSG_DATA = 16;
  /** Room for a handful of fds (runc sends one). */
  static final int CONTROL_BYTES = 64;
  /** runc sends the pty name as payload next to the fd. */
  static final int PAYLOAD_BYTES = 4096;

  private UnixSocketAbi() {}

  /** The NUL-terminated bytes of a socket path, checked against sun_path's size. */
  static byte[] sunPath(Path path) {
    byte[] bytes = path.toString().getBytes(StandardCharsets.UTF_8);
    if (bytes.length >= SUN_PATH_BYTES) {
      throw new PosixException("bind", path.toString(), ENAMETOOLONG,
          "socket path longer than " + (SUN_PATH_BYTES - 1) + " bytes");
    }
    return bytes;
  }

  static int timeoutMillis(java.time.Duration timeout) {
    long millis = timeout.toMillis();
    return millis > Integer.MAX_VALUE ? Integer.MAX_VALUE : (int) Math.max(0, millis);
  }
}
