package io.jshim.posix;

import java.nio.file.Path;
import java.util.List;

/** eventfd (cgroup v1 OOM notification) and inotify (cgroup v2 {@code memory.events}). */
public interface NotifyCalls {
  int EFD_NONBLOCK = 04000;
  int EFD_CLOEXEC = 02000000;

  int IN_NONBLOCK = 04000;
  int IN_CLOEXEC = 02000000;

  int IN_ACCESS = 0x001;
  int IN_MODIFY = 0x002;
  int IN_ATTRIB = 0x004;
  int IN_CLOSE_WRITE = 0x008;
  int IN_CREATE = 0x100;
  int IN_DELETE = 0x200;
  int IN_DELETE_SELF = 0x400;
  int IN_IGNORED = 0x8000;

  /** {@code eventfd(2)} with {@link #EFD_CLOEXEC} and/or {@link #EFD_NONBLOCK}. */
  int eventfd(int initialValue, int flags);

  /** Reads (and resets) the 8-byte counter of an eventfd; blocks while it is 0 unless non-blocking. */
  long readEventFd(int fd);

  /** Adds {@code value} to the counter of an eventfd. */
  void writeEventFd(int fd, long value);

  /** {@code inotify_init1(2)} with {@link #IN_CLOEXEC} and/or {@link #IN_NONBLOCK}. */
  int inotifyInit(int flags);

  /** {@code inotify_add_watch(2)}; returns the watch descriptor. */
  int inotifyAddWatch(int fd, Path path, int mask);

  /** {@code inotify_rm_watch(2)}. */
  void inotifyRemoveWatch(int fd, int wd);

  /** One {@code read(2)} of an inotify fd, decoded; blocks until events arrive unless non-blocking. */
  List<InotifyEvent> readInotifyEvents(int fd);
}
