package io.jshim.testing.containerd;

/** Thrown when the harness cannot set up, drive or tear down the private containerd or one of its tools. */
public class HarnessException extends RuntimeException {
  /** @param message what failed, "failed to verb object id: cause" */
  public HarnessException(String message) {
    super(message);
  }

  /**
   * @param message what failed
   * @param cause the underlying error
   */
  public HarnessException(String message, Throwable cause) {
    super(message, cause);
  }
}
