package io.jshim.posix;

import static java.lang.foreign.ValueLayout.ADDRESS;
import static java.lang.foreign.ValueLayout.JAVA_INT;

import java.lang.foreign.Arena;
import java.lang.foreign.FunctionDescriptor;
import java.lang.foreign.Linker;
import java.lang.foreign.MemoryLayout;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.StructLayout;
import java.lang.foreign.SymbolLookup;
import java.lang.invoke.MethodHandle;
import java.lang.invoke.VarHandle;

/**
 * FFM plumbing shared by the FFM implementation: symbol lookup, errno capture, strerror, call helpers.
 * Linking downcalls and reading C strings are restricted methods; this class is where they happen.
 */
@SuppressWarnings("restricted")
final class Ffm {
  static final Linker LINKER = Linker.nativeLinker();
  static final SymbolLookup LIBC = LINKER.defaultLookup();
  private static final StructLayout CAPTURE_LAYOUT = Linker.Option.captureStateLayout();
  private static final VarHandle ERRNO =
      CAPTURE_LAYOUT.varHandle(MemoryLayout.PathElement.groupElement("errno"));
  private static final Linker.Option CAPTURE_ERRNO = Linker.Option.captureCallState("errno");
  private static final MethodHandle STRERROR = plain("strerror", FunctionDescriptor.of(ADDRESS, JAVA_INT));

  private Ffm() {}

  /** A downcall that sets errno: the returned handle takes the capture segment as its first argument. */
  static MethodHandle capturing(String name, FunctionDescriptor descriptor, Linker.Option... options) {
    Linker.Option[] all = new Linker.Option[options.length + 1];
    all[0] = CAPTURE_ERRNO;
    System.arraycopy(options, 0, all, 1, options.length);
    return LINKER.downcallHandle(symbol(name), descriptor, all);
  }

  /** A downcall that reports errors through its return value (or cannot fail). */
  static MethodHandle plain(String name, FunctionDescriptor descriptor, Linker.Option... options) {
    return LINKER.downcallHandle(symbol(name), descriptor, options);
  }

  private static MemorySegment symbol(String name) {
    return LIBC.find(name).orElseThrow(() -> new UnsatisfiedLinkError("libc has no symbol " + name));
  }

  static String strerror(int errno) {
    try {
      MemorySegment text = (MemorySegment) STRERROR.invokeExact(errno);
      return text.equals(MemorySegment.NULL) ? "errno " + errno : text.reinterpret(1024).getString(0);
    } catch (Throwable t) {
      return "errno " + errno;
    }
  }

  static PosixException error(String call, Object subject, int errno) {
    return new PosixException(call, subject == null ? "" : subject.toString(), errno, strerror(errno));
  }

  /** The body of an int-returning call: {@code -1} means failure with errno in {@code capture}. */
  @FunctionalInterface
  interface IntCall {
    int call(Arena arena, MemorySegment capture) throws Throwable;
  }

  /** The body of a long-returning ({@code ssize_t}) call. */
  @FunctionalInterface
  interface LongCall {
    long call(Arena arena, MemorySegment capture) throws Throwable;
  }

  /** Runs {@code body} (retried on EINTR) and throws {@link PosixException} when it returns -1. */
  static int callInt(String call, Object subject, IntCall body) {
    return (int) callLong(call, subject, body::call);
  }

  /** Like {@link #callInt} for calls returning {@code ssize_t}. */
  static long callLong(String call, Object subject, LongCall body) {
    try (Arena arena = Arena.ofConfined()) {
      MemorySegment capture = arena.allocate(CAPTURE_LAYOUT);
      while (true) {
        long result = body.call(arena, capture);
        if (result != -1) {
          return result;
        }
        int errno = (int) ERRNO.get(capture, 0L);
        if (errno != Errno.EINTR) {
          throw error(call, subject, errno);
        }
      }
    } catch (PosixException | Error e) {
      throw e;
    } catch (Throwable t) {
      throw new IllegalStateException("native call " + call + " failed unexpectedly", t);
    }
  }

  /** Runs {@code body} once; returns its result, or {@code -errno} when it returned -1. */
  static int callIntOnce(IntCall body) {
    try (Arena arena = Arena.ofConfined()) {
      MemorySegment capture = arena.allocate(CAPTURE_LAYOUT);
      int result = body.call(arena, capture);
      return result == -1 ? -(int) ERRNO.get(capture, 0L) : result;
    } catch (Error e) {
      throw e;
    } catch (Throwable t) {
      throw new IllegalStateException("native call failed unexpectedly", t);
    }
  }

  /** Allocates a NULL-terminated {@code char*[]} of {@code values}. */
  static MemorySegment stringArray(Arena arena, java.util.List<String> values) {
    MemorySegment array = arena.allocate(ADDRESS, values.size() + 1L);
    for (int i = 0; i < values.size(); i++) {
      array.setAtIndex(ADDRESS, i, arena.allocateFrom(values.get(i)));
    }
    array.setAtIndex(ADDRESS, values.size(), MemorySegment.NULL);
    return array;
  }

  /** A C string, or NULL for a null {@code value}. */
  static MemorySegment cString(Arena arena, String value) {
    return value == null ? MemorySegment.NULL : arena.allocateFrom(value);
  }
}
