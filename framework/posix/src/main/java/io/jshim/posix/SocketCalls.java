package io.jshim.posix;

import java.nio.file.Path;
import java.time.Duration;

/**
 * Unix sockets that receive an fd with {@code SCM_RIGHTS} (runc's {@code --console-socket} sends the pty
 * master this way; the JDK's Unix-domain channels cannot receive fds). See {@link FdReceivingSocket}.
 */
public interface SocketCalls {
  /**
   * {@code socket(AF_UNIX, SOCK_STREAM|SOCK_CLOEXEC)} + {@code bind(path)} + {@code listen}.
   *
   * @return the listening fd
   */
  int listenUnix(Path path);

  /**
   * Accepts one connection on {@code listenFd}, receives one fd with {@code recvmsg} + {@code SCM_RIGHTS}
   * (close-on-exec set), closes the connection and returns the fd.
   *
   * @throws PosixException with {@link Errno#ETIMEDOUT} when nobody connects within {@code timeout}, or with
   *     {@link Errno#EINVAL} when the peer sent no fd
   */
  int receiveFd(int listenFd, Duration timeout);
}
