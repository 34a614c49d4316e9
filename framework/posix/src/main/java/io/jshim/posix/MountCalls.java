package io.jshim.posix;

import java.nio.file.Path;

/** {@code mount(2)} and {@code umount2(2)}. */
public interface MountCalls {
  long MS_RDONLY = 1;
  long MS_NOSUID = 2;
  long MS_NODEV = 4;
  long MS_NOEXEC = 8;
  long MS_REMOUNT = 32;
  long MS_BIND = 4096;
  long MS_REC = 16384;
  long MS_PRIVATE = 1 << 18;

  int MNT_FORCE = 1;
  int MNT_DETACH = 2;

  /** {@code mount(2)}; {@code source}, {@code fstype} and {@code data} may be null. */
  void mount(String source, Path target, String fstype, long flags, String data);

  /** {@code umount2(2)} with {@link #MNT_DETACH} and/or {@link #MNT_FORCE}. */
  void umount2(Path target, int flags);
}
