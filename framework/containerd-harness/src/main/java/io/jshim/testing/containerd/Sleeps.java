package io.jshim.testing.containerd;

import java.time.Duration;

/** Interrupt-aware sleeping for polling loops. */
final class Sleeps {
  private Sleeps() {}

  static void sleep(Duration duration) {
    try {
      Thread.sleep(duration);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new HarnessException("interrupted while waiting", e);
    }
  }
}
