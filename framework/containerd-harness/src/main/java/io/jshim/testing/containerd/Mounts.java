package io.jshim.testing.containerd;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Comparator;
import java.util.List;

/** Finds and lazily unmounts the mount points left under a directory. */
public final class Mounts {
  private Mounts() {}

  /**
   * @param dir a directory
   * @return the mount points of this mount namespace at or under {@code dir}, deepest first
   */
  public static List<Path> under(Path dir) {
    Path base = dir.toAbsolutePath().normalize();
    try {
      return Files.readAllLines(Path.of("/proc/self/mountinfo")).stream()
          .map(line -> line.split(" "))
          .filter(fields -> fields.length > 4)
          .map(fields -> Path.of(unescape(fields[4])))
          .filter(mountPoint -> mountPoint.startsWith(base))
          .distinct()
          .sorted(Comparator.comparingInt(Path::getNameCount).reversed())
          .toList();
    } catch (IOException e) {
      throw new HarnessException("failed to read /proc/self/mountinfo: " + e.getMessage(), e);
    }
  }

  /**
   * Lazily unmounts everything mounted under {@code dir}.
   *
   * @param dir a directory
   * @return the mount points that were found (and unmounted)
   */
  public static List<Path> unmountAll(Path dir) {
    List<Path> mountPoints = under(dir);
    for (Path mountPoint : mountPoints) {
      Commands.run(List.of("umount", "-l", mountPoint.toString()), Duration.ofSeconds(10));
    }
    return mountPoints;
  }

  private static String unescape(String field) {
    StringBuilder out = new StringBuilder();
    for (int i = 0; i < field.length(); i++) {
      char c = field.charAt(i);
      if (c == '\\' && i + 3 < field.length()) {
        out.append((char) Integer.parseInt(field.substring(i + 1, i + 4), 8));
        i += 3;
      } else {
        out.append(c);
      }
    }
    return out.toString();
  }
}
