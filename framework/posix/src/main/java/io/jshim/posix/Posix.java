package io.jshim.posix;

/**
 * The system calls a containerd shim needs, behind one narrow interface with two implementations: Java's
 * FFM API (the default) and jnr-posix. Obtain one with {@link PosixImplementation#create()}.
 *
 * <p>Every failing call throws {@link PosixException} naming the call, its object and the errno text.
 * Implementations are thread-safe and stateless.
 */
public interface Posix extends ProcessCalls, FileCalls, MountCalls, NotifyCalls, SocketCalls {
  /** Which implementation this is. */
  PosixImplementation implementation();
}
