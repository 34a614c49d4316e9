/** Baseline: a JVM that does nothing. */
public final class EmptyMain {
  public static void main(String[] args) {}
}
