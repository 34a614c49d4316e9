package io.jshim.posix;

import java.nio.ByteBuffer;
import java.nio.file.Path;

/**
 * File-descriptor system calls. Calls that can block (read, write, splice, poll) block the calling thread in
 * native code: run them on platform threads, a virtual thread would pin its carrier.
 */
public interface FileCalls {
  int O_RDONLY = 0;
  int O_WRONLY = 1;
  int O_RDWR = 2;
  int O_CREAT = 0100;
  int O_EXCL = 0200;
  int O_NOCTTY = 0400;
  int O_TRUNC = 01000;
  int O_APPEND = 02000;
  int O_NONBLOCK = 04000;
  int O_CLOEXEC = 02000000;

  int SPLICE_F_MOVE = 1;
  int SPLICE_F_NONBLOCK = 2;
  int SPLICE_F_MORE = 4;

  short POLLIN = 0x001;
  short POLLOUT = 0x004;
  short POLLERR = 0x008;
  short POLLHUP = 0x010;
  short POLLNVAL = 0x020;

  /** {@code mkfifo(3)}. */
  void mkfifo(Path path, int mode);

  /** {@code open(2)} with flags of this interface ({@code O_*}); {@code mode} applies with O_CREAT. */
  int open(Path path, int flags, int mode);

  /** {@code close(2)}. */
  void close(int fd);

  /** {@code dup2(2)}; the new fd has FD_CLOEXEC cleared. */
  int dup2(int oldFd, int newFd);

  /** {@code pipe2(2)} with {@code O_CLOEXEC} and/or {@code O_NONBLOCK}. */
  PipeFds pipe2(int flags);

  /** {@code read(2)} into {@code buf[off, off+len)}; returns 0 at EOF. Throws with EAGAIN when non-blocking. */
  int read(int fd, byte[] buf, int off, int len);

  /** {@code read(2)} into the remaining space of a direct buffer, advancing its position; 0 at EOF. */
  int read(int fd, ByteBuffer directBuffer);

  /** {@code write(2)} of {@code buf[off, off+len)}; returns the count written (may be short). */
  int write(int fd, byte[] buf, int off, int len);

  /** {@code write(2)} of the remaining bytes of a direct buffer, advancing its position. */
  int write(int fd, ByteBuffer directBuffer);

  /** Sets or clears O_NONBLOCK with {@code fcntl(F_GETFL/F_SETFL)}. */
  void setNonBlocking(int fd, boolean nonBlocking);

  /** Whether O_NONBLOCK is set ({@code fcntl(F_GETFL)}). */
  boolean isNonBlocking(int fd);

  /** {@code splice(2)} without offsets; returns bytes moved, 0 at EOF of {@code fdIn}. */
  long splice(int fdIn, int fdOut, long len, int flags);

  /**
   * {@code poll(2)} of one fd, retried on EINTR.
   *
   * @return the {@code revents} (0 on timeout)
   */
  int poll(int fd, short events, int timeoutMillis);

  /** {@code ioctl(fd, TIOCSWINSZ)}: resizes the terminal behind {@code fd}. */
  void setWindowSize(int fd, int rows, int columns);
}
