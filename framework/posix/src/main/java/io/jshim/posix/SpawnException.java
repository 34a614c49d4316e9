package io.jshim.posix;

/**
 * {@code posix_spawn} failed: the binary could not be found or executed, or the spawn attributes were
 * rejected. The message names the binary: {@code failed to spawn nosuch: No such file or directory (errno 2)}.
 */
public final class SpawnException extends PosixException {
  /**
   * @param binary the program that was to be executed
   * @param errno the error number posix_spawn returned
   * @param description its {@code strerror} text
   */
  public SpawnException(String binary, int errno, String description) {
    super("spawn", binary, errno, description);
  }

  /** The program that was to be executed. */
  public String binary() {
    return subject();
  }
}
