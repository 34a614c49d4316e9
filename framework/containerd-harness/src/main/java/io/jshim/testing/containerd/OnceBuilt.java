package io.jshim.testing.containerd;

import java.util.concurrent.locks.ReentrantLock;
import java.util.function.Supplier;

/**
 * A value built on first use, once, safe for concurrent first uses from virtual threads.
 *
 * <p>Not the class-holder idiom: virtual threads waiting for a class initialiser pin their carriers, so a build
 * that itself needs a virtual thread (e.g. a reader of a child's output) can starve. A {@link ReentrantLock} parks
 * waiting virtual threads instead.
 */
final class OnceBuilt<T> {
  private final Supplier<T> builder;
  private final ReentrantLock lock = new ReentrantLock();
  private T value; // guarded by lock

  OnceBuilt(Supplier<T> builder) {
    this.builder = builder;
  }

  /** @return the value, building it if this is the first call */
  T get() {
    lock.lock();
    try {
      if (value == null) {
        value = builder.get();
      }
      return value;
    } finally {
      lock.unlock();
    }
  }
}
