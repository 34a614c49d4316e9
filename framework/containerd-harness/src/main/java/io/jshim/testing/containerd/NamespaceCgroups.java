package io.jshim.testing.containerd;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.stream.Stream;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The cgroups containerd creates for a namespace: runc puts a container of namespace {@code ns} without a cgroup
 * parent into {@code /<ns>/<id>} of every hierarchy, and {@code runc delete} removes only {@code <id>}. This
 * removes {@code <hierarchy>/<ns>} and what is below it, deepest first, in every v1 controller dir and the
 * unified (v2) dir under the cgroup root. Only empty cgroups can go (rmdir); busy ones are reported.
 */
final class NamespaceCgroups {
  private static final Logger LOG = LoggerFactory.getLogger(NamespaceCgroups.class);
  /** Where the cgroup hierarchies are mounted. */
  static final Path ROOT = Path.of("/sys/fs/cgroup");

  private final Path root;
  private final Duration busyBound;

  /**
   * @param root the cgroup root ({@link #ROOT})
   * @param busyBound how long to retry cgroups whose last processes are still exiting
   */
  NamespaceCgroups(Path root, Duration busyBound) {
    this.root = Objects.requireNonNull(root, "root is null");
    this.busyBound = Objects.requireNonNull(busyBound, "busyBound is null");
  }

  /** The namespace's top cgroup in each hierarchy that has one (the root itself is the v2-only hierarchy). */
  List<Path> of(String namespace) {
    List<Path> dirs = new ArrayList<>();
    if (Files.isDirectory(root.resolve(namespace))) {
      dirs.add(root.resolve(namespace));
    }
    try (Stream<Path> hierarchies = Files.list(root)) {
      hierarchies.filter(Files::isDirectory).map(h -> h.resolve(namespace)).filter(Files::isDirectory)
          .forEach(dirs::add);
    } catch (IOException e) {
      throw new HarnessException("failed to list cgroup hierarchies in " + root + ": " + e.getMessage(), e);
    }
    return dirs;
  }

  /**
   * Removes every empty cgroup of the namespace, deepest first.
   *
   * @throws HarnessException naming every cgroup still there after {@code busyBound}, with the error
   */
  void remove(String namespace) {
    Instant deadline = Instant.now().plus(busyBound);
    Map<Path, String> left = removeOnce(namespace);
    while (!left.isEmpty() && Instant.now().isBefore(deadline)) {
      Sleeps.sleep(Duration.ofMillis(100));
      left = removeOnce(namespace);
    }
    if (!left.isEmpty()) {
      throw new HarnessException("failed to remove cgroups of namespace " + namespace + ": " + left);
    }
  }

  private Map<Path, String> removeOnce(String namespace) {
    Map<Path, String> failed = new LinkedHashMap<>();
    for (Path top : of(namespace)) {
      List<Path> cgroups;
      try (Stream<Path> walk = Files.walk(top)) {
        cgroups = walk.filter(p -> Files.isDirectory(p, java.nio.file.LinkOption.NOFOLLOW_LINKS))
            .sorted(Comparator.comparingInt(Path::getNameCount).reversed()).toList();
      } catch (IOException e) {
        failed.put(top, "cannot list: " + e.getMessage());
        continue;
      }
      for (Path cgroup : cgroups) {
        try {
          Files.deleteIfExists(cgroup); // rmdir: a cgroup's control files do not keep it from going
          LOG.debug("msg=\"removed cgroup\" path={}", cgroup);
        } catch (IOException e) {
          failed.put(cgroup, e.getMessage());
        }
      }
    }
    return failed;
  }
}
