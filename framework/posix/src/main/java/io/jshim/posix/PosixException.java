package io.jshim.posix;

/**
 * A failed system call: names the call, the object it was applied to (a path, a pid, an fd), the errno and
 * its {@code strerror} text, e.g. {@code failed to mkfifo /x/y: File exists (errno 17)}.
 *
 * <p>Unchecked: every call of {@link Posix} may throw it, and callers that can recover test {@link #errno()}
 * against the constants of {@link Errno}.
 */
public class PosixException extends RuntimeException {
  private final String call;
  private final String subject;
  private final int errno;
  private final String description;

  /**
   * @param call the system call or operation, e.g. {@code mkfifo}
   * @param subject what it was applied to (path, pid, fd); may be empty
   * @param errno the error number
   * @param description the {@code strerror} text of {@code errno}
   */
  public PosixException(String call, String subject, int errno, String description) {
    super(message(call, subject, errno, description));
    this.call = call;
    this.subject = subject == null ? "" : subject;
    this.errno = errno;
    this.description = description;
  }

  private static String message(String call, String subject, int errno, String description) {
    String object = subject == null || subject.isEmpty() ? "" : " " + subject;
    return "failed to " + call + object + ": " + description + " (errno " + errno + ")";
  }

  /** The system call or operation that failed, e.g. {@code mkfifo}. */
  public String call() {
    return call;
  }

  /** What the call was applied to (path, pid, fd), or the empty string. */
  public String subject() {
    return subject;
  }

  /** The error number ({@code errno}). */
  public int errno() {
    return errno;
  }

  /** The {@code strerror} text of {@link #errno()}. */
  public String description() {
    return description;
  }

  /** Whether the call would have blocked on a non-blocking fd ({@code EAGAIN}). */
  public boolean wouldBlock() {
    return errno == Errno.EAGAIN;
  }
}
