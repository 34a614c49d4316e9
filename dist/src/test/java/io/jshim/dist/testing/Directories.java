package io.jshim.dist.testing;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Comparator;
import java.util.List;
import java.util.stream.Stream;

/** File-tree clean-up for the test suites' temporary directories. */
public final class Directories {
  private Directories() {
  }

  /**
   * Deletes a directory and everything below it, children first.
   *
   * @param dir the directory; {@code null} or a missing one is left alone
   * @throws IOException when a file cannot be deleted
   */
  public static void deleteRecursively(Path dir) throws IOException {
    if (dir == null || !Files.exists(dir)) {
      return;
    }
    List<Path> paths;
    try (Stream<Path> walk = Files.walk(dir)) {
      paths = walk.sorted(Comparator.reverseOrder()).toList();
    }
    for (Path path : paths) {
      Files.deleteIfExists(path);
    }
  }
}
