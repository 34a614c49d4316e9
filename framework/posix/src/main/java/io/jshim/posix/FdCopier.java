package io.jshim.posix;

import static java.util.Objects.requireNonNull;

import java.nio.ByteBuffer;

/**
 * Copies one fd to another until EOF without per-byte Java work: {@code splice(2)} when either side is a pipe
 * or FIFO (bytes never enter the JVM), otherwise {@code read}/{@code write} through one large direct buffer.
 * Nothing is lost or reordered; non-blocking fds are handled by waiting in {@code poll(2)}.
 *
 * <p>A copy blocks its thread in native calls: run it on a platform thread. It waits in slices of
 * {@value #WAIT_SLICE_MILLIS} ms and stops with {@link InterruptedException} when its thread is interrupted.
 * Thread-safe: each {@link #copy} uses its own buffer.
 */
public final class FdCopier {
  /** Default chunk: the size of one splice request and of the fallback buffer. */
  public static final int DEFAULT_CHUNK_BYTES = 1 << 20;
  static final int WAIT_SLICE_MILLIS = 250;
  private static final int SPLICE_FLAGS = FileCalls.SPLICE_F_MOVE | FileCalls.SPLICE_F_MORE | FileCalls.SPLICE_F_NONBLOCK;

  private final FileCalls posix;
  private final int chunkBytes;

  /** A copier over {@code posix} with {@link #DEFAULT_CHUNK_BYTES}. */
  public FdCopier(FileCalls posix) {
    this(posix, DEFAULT_CHUNK_BYTES);
  }

  /** A copier over {@code posix} moving at most {@code chunkBytes} per call. */
  public FdCopier(FileCalls posix, int chunkBytes) {
    this.posix = requireNonNull(posix, "posix is null");
    if (chunkBytes < 1) {
      throw new IllegalArgumentException("chunkBytes must be >= 1: " + chunkBytes);
    }
    this.chunkBytes = chunkBytes;
  }

  /**
   * Copies {@code fdIn} to {@code fdOut} until EOF of {@code fdIn}. Neither fd is closed.
   *
   * @return the number of bytes copied
   * @throws PosixException when a read or write fails (e.g. EPIPE when the reader of {@code fdOut} went away)
   * @throws InterruptedException when the thread is interrupted while waiting for data or room
   */
  public long copy(int fdIn, int fdOut) throws InterruptedException {
    long total = 0;
    while (true) {
      long moved;
      try {
        moved = posix.splice(fdIn, fdOut, chunkBytes, SPLICE_FLAGS);
      } catch (PosixException e) {
        if (e.errno() == Errno.EINVAL && total == 0) {
          return copyThroughBuffer(fdIn, fdOut); // neither side is a pipe
        }
        if (!e.wouldBlock()) {
          throw e;
        }
        awaitReady(fdIn, FileCalls.POLLIN);
        awaitReady(fdOut, FileCalls.POLLOUT);
        continue;
      }
      if (moved == 0) {
        return total;
      }
      total += moved;
    }
  }

  private long copyThroughBuffer(int fdIn, int fdOut) throws InterruptedException {
    ByteBuffer buffer = ByteBuffer.allocateDirect(chunkBytes);
    long total = 0;
    while (true) {
      buffer.clear();
      int n;
      try {
        n = posix.read(fdIn, buffer);
      } catch (PosixException e) {
        if (!e.wouldBlock()) {
          throw e;
        }
        awaitReady(fdIn, FileCalls.POLLIN);
        continue;
      }
      if (n == 0) {
        return total;
      }
      buffer.flip();
      while (buffer.hasRemaining()) {
        try {
          posix.write(fdOut, buffer);
        } catch (PosixException e) {
          if (!e.wouldBlock()) {
            throw e;
          }
          awaitReady(fdOut, FileCalls.POLLOUT);
        }
      }
      total += n;
    }
  }

  /** Waits until {@code fd} reports {@code events} (or an error/hang-up, which the next call reports). */
  private void awaitReady(int fd, short events) throws InterruptedException {
    while (posix.poll(fd, events, WAIT_SLICE_MILLIS) == 0) {
      if (Thread.interrupted()) {
        throw new InterruptedException("interrupted while copying: waiting on fd " + fd);
      }
    }
  }
}
