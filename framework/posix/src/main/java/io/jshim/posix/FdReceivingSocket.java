package io.jshim.posix;

import static java.util.Objects.requireNonNull;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;

/**
 * A listening Unix socket at a path that receives fds sent with {@code SCM_RIGHTS}: create it, hand its path
 * to runc as {@code --console-socket}, then {@link #receiveFd(Duration)} the pty master. Closing it closes
 * the socket and removes the path.
 */
public final class FdReceivingSocket implements AutoCloseable {
  private final Posix posix;
  private final Path path;
  private final int listenFd;

  private FdReceivingSocket(Posix posix, Path path, int listenFd) {
    this.posix = posix;
    this.path = path;
    this.listenFd = listenFd;
  }

  /** Binds and listens at {@code path} (which must not exist). */
  public static FdReceivingSocket listen(Posix posix, Path path) {
    requireNonNull(posix, "posix is null");
    requireNonNull(path, "path is null");
    return new FdReceivingSocket(posix, path, posix.listenUnix(path));
  }

  /** The socket path. */
  public Path path() {
    return path;
  }

  /** Accepts one connection and returns the fd it sent (close-on-exec set); the caller owns the fd. */
  public int receiveFd(Duration timeout) {
    return posix.receiveFd(listenFd, timeout);
  }

  @Override
  public void close() {
    try {
      posix.close(listenFd);
    } finally {
      try {
        Files.deleteIfExists(path);
      } catch (IOException ignored) {
        // the socket file is gone with its directory or was removed by someone else
      }
    }
  }
}
