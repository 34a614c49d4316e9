package io.jshim.posix;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.SortedMap;

/**
 * The file actions of a spawn, computed once for both implementations: every parent fd is first duplicated
 * to a scratch fd above all fds involved (so a mapping cannot clobber the source of another), then moved to
 * its child fd; unmapped fds between 3 and the highest child fd are closed; unmapped stdio goes to
 * {@code /dev/null}; everything from {@link #closeFrom()} up (the scratch fds included) is closed.
 */
record SpawnPlan(List<int[]> dups, List<Integer> closes, List<int[]> moves, List<Integer> devNullFds, int closeFrom) {
  static final short POSIX_SPAWN_SETSIGDEF = 0x04;
  static final short POSIX_SPAWN_SETSIGMASK = 0x08;
  static final short POSIX_SPAWN_SETSID = 0x80;
  static final int SIGSET_BYTES = 128;
  /** Larger than glibc's posix_spawnattr_t (336 bytes) and posix_spawn_file_actions_t (80) on x86_64/aarch64. */
  static final int OPAQUE_BYTES = 1024;

  static SpawnPlan of(SpawnRequest request) {
    SortedMap<Integer, Integer> map = request.fdMap();
    int highest = 2;
    for (Map.Entry<Integer, Integer> e : map.entrySet()) {
      highest = Math.max(highest, Math.max(e.getKey(), e.getValue()));
    }
    int scratch = highest + 1;
    List<int[]> dups = new ArrayList<>();
    List<int[]> moves = new ArrayList<>();
    int i = 0;
    for (Map.Entry<Integer, Integer> e : map.entrySet()) {
      dups.add(new int[] {e.getValue(), scratch + i});
      moves.add(new int[] {scratch + i, e.getKey()});
      i++;
    }
    int maxChild = map.isEmpty() ? 2 : Math.max(2, map.lastKey());
    List<Integer> closes = new ArrayList<>();
    for (int fd = 3; fd < maxChild; fd++) {
      if (!map.containsKey(fd)) {
        closes.add(fd);
      }
    }
    List<Integer> devNull = new ArrayList<>();
    for (int fd = 0; fd <= 2; fd++) {
      if (!map.containsKey(fd)) {
        devNull.add(fd);
      }
    }
    return new SpawnPlan(List.copyOf(dups), List.copyOf(closes), List.copyOf(moves), List.copyOf(devNull), maxChild + 1);
  }

  static short flags(SpawnRequest request) {
    short flags = POSIX_SPAWN_SETSIGDEF | POSIX_SPAWN_SETSIGMASK;
    return request.newSession() ? (short) (flags | POSIX_SPAWN_SETSID) : flags;
  }

  static boolean searchPath(SpawnRequest request) {
    return request.program().indexOf('/') < 0;
  }
}
