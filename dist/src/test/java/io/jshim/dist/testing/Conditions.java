package io.jshim.dist.testing;

import java.time.Duration;
import java.util.function.BooleanSupplier;

/** Bounded polling for the integration tests. */
public final class Conditions {
  private Conditions() {
  }

  /**
   * Polls a condition every 100 ms until it holds or the timeout passes.
   *
   * @param condition what to wait for
   * @param timeout how long to wait at most
   * @return whether the condition held (checked once more at the deadline)
   * @throws InterruptedException when interrupted while waiting
   */
  public static boolean await(BooleanSupplier condition, Duration timeout) throws InterruptedException {
    long deadline = System.nanoTime() + timeout.toNanos();
    while (System.nanoTime() < deadline) {
      if (condition.getAsBoolean()) {
        return true;
      }
      Thread.sleep(100);
    }
    return condition.getAsBoolean();
  }
}
