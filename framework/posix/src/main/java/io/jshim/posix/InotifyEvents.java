package io.jshim.posix;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;

/** Decodes the {@code struct inotify_event} records of one read. */
final class InotifyEvents {
  /** Room for many events with names of NAME_MAX (the kernel rejects reads too small for one event). */
  static final int BUFFER_BYTES = 16 * (16 + 256);

  private InotifyEvents() {}

  static List<InotifyEvent> decode(ByteBuffer buffer) {
    ByteBuffer in = buffer.duplicate().order(ByteOrder.nativeOrder());
    List<InotifyEvent> events = new ArrayList<>();
    while (in.remaining() >= 16) {
      int wd = in.getInt();
      int mask = in.getInt();
      int cookie = in.getInt();
      int len = in.getInt();
      byte[] name = new byte[len];
      in.get(name);
      int end = 0;
      while (end < len && name[end] != 0) {
        end++;
      }
      events.add(new InotifyEvent(wd, mask, cookie, new String(name, 0, end, StandardCharsets.UTF_8)));
    }
    return List.copyOf(events);
  }
}
