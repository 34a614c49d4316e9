package io.jshim.posix;

import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.function.IntSupplier;
import java.util.function.LongSupplier;
import jnr.ffi.LastError;
import jnr.ffi.LibraryLoader;
import jnr.ffi.LibraryOption;
import jnr.ffi.Memory;
import jnr.ffi.Pointer;
import jnr.ffi.Runtime;

/** jnr plumbing: the jnr-ffi libc binding, errno, strerror, call helpers and native memory. */
final class Jnr {
  final JnrLibC libc;
  final Runtime runtime;

  Jnr() {
    this.libc = LibraryLoader.create(JnrLibC.class).option(LibraryOption.SaveError, true).load("c");
    this.runtime = Runtime.getRuntime(libc);
  }

  int lastErrno() {
    return LastError.getLastError(runtime);
  }

  String strerror(int errno) {
    String text = libc.strerror(errno);
    return text == null ? "errno " + errno : text;
  }

  PosixException error(String call, Object subject, int errno) {
    return new PosixException(call, subject == null ? "" : subject.toString(), errno, strerror(errno));
  }

  /**
   * Runs {@code body} (retried on EINTR); -1 means failure with errno saved by jnr. jnr-posix reports some
   * failures through its handler instead: {@link JnrHandlerError} carries that errno here.
   */
  int callInt(String call, Object subject, IntSupplier body) {
    return (int) callLong(call, subject, body::getAsInt);
  }

  /** Like {@link #callInt} for {@code ssize_t} results. */
  long callLong(String call, Object subject, LongSupplier body) {
    while (true) {
      int errno;
      try {
        long result = body.getAsLong();
        if (result != -1) {
          return result;
        }
        errno = lastErrno();
      } catch (JnrHandlerError e) {
        errno = e.errno;
      }
      if (errno != Errno.EINTR) {
        throw error(call, subject, errno);
      }
    }
  }

  Pointer allocate(long bytes) {
    return Memory.allocateDirect(runtime, (int) bytes, true);
  }

  /** A NUL-terminated UTF-8 copy of {@code value}, or null. */
  Pointer cString(String value) {
    if (value == null) {
      return null;
    }
    byte[] bytes = value.getBytes(StandardCharsets.UTF_8);
    Pointer p = allocate(bytes.length + 1L);
    p.put(0, bytes, 0, bytes.length);
    p.putByte(bytes.length, (byte) 0);
    return p;
  }

  /** A NULL-terminated {@code char*[]}; the strings stay reachable through {@code keepAlive}. */
  Pointer stringArray(List<String> values, List<Pointer> keepAlive) {
    int size = runtime.addressSize();
    Pointer array = allocate((long) size * (values.size() + 1));
    for (int i = 0; i < values.size(); i++) {
      Pointer s = cString(values.get(i));
      keepAlive.add(s);
      array.putPointer((long) i * size, s);
    }
    array.putAddress((long) values.size() * size, 0L);
    return array;
  }

  /** Thrown by the jnr-posix handler so {@link #callInt} can name the call itself. */
  static final class JnrHandlerError extends RuntimeException {
    final int errno;

    JnrHandlerError(int errno) {
      super(null, null, false, false);
      this.errno = errno;
    }
  }
}
