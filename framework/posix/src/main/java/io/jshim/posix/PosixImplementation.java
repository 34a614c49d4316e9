package io.jshim.posix;

import java.util.Locale;

/** The implementations of {@link Posix}; the framework picks one by configuration. */
public enum PosixImplementation {
  /** Java's Foreign Function and Memory API ({@code java.lang.foreign}): the default. */
  FFM,
  /** jnr-posix, with jnr-ffi for the calls jnr-posix lacks. */
  JNR;

  /** Creates the implementation; the JVM needs {@code --enable-native-access=ALL-UNNAMED}. */
  public Posix create() {
    return switch (this) {
      case FFM -> new FfmPosix();
      case JNR -> new JnrPosix();
    };
  }

  /** Parses a configuration value ({@code ffm} or {@code jnr}, any case). */
  public static PosixImplementation fromConfig(String value) {
    try {
      return valueOf(value.trim().toUpperCase(Locale.ROOT));
    } catch (IllegalArgumentException e) {
      throw new IllegalArgumentException("unknown posix implementation '" + value + "': expected ffm or jnr", e);
    }
  }
}
