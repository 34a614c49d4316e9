package io.jshim.testing.containerd;

import java.io.IOException;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Duration;
import java.util.List;

/**
 * A minimal root filesystem made of the static busybox ({@code /bin/busybox}, Debian's busybox-static): the
 * binary, a symlink per applet in {@code /bin}, {@code /etc/passwd}, {@code /etc/group} and empty
 * {@code /proc}, {@code /dev}, {@code /sys}, {@code /tmp}. Built once per JVM (the one lazily-held instance is
 * the harness's only static state), shared read-mostly by all containers and deleted when the JVM exits.
 */
public final class BusyboxRootfs {
  /** The static busybox the rootfs is made of. */
  public static final Path BUSYBOX = Path.of("/bin/busybox");

  private BusyboxRootfs() {}

  private static final OnceBuilt<Path> ROOTFS = new OnceBuilt<>(() -> {
    Path rootfs = build();
    Runtime.getRuntime().addShutdownHook(new Thread(() -> deleteQuietly(rootfs), "busybox-rootfs-cleanup"));
    return rootfs;
  });

  private static void deleteQuietly(Path dir) {
    try (java.util.stream.Stream<Path> paths = Files.walk(dir)) {
      for (Path path : paths.sorted(java.util.Comparator.reverseOrder()).toList()) {
        Files.deleteIfExists(path);
      }
    } catch (IOException | RuntimeException e) {
      // best effort at JVM exit: a temp dir left behind is harmless
    }
  }

  /** @return the rootfs directory, built on first use */
  public static Path path() {
    return ROOTFS.get();
  }

  /**
   * Builds a fresh busybox rootfs in a new temp dir.
   *
   * @return the rootfs directory
   */
  public static Path build() {
    try {
      Path rootfs = Files.createTempDirectory("jshim-busybox-rootfs-");
      Files.setPosixFilePermissions(rootfs, PosixFilePermissions.fromString("rwxr-xr-x"));
      buildInto(rootfs);
      return rootfs;
    } catch (IOException e) {
      throw new HarnessException("failed to build busybox rootfs from " + BUSYBOX + ": " + e.getMessage(), e);
    }
  }

  /**
   * Builds the rootfs into {@code rootfs} (an existing directory).
   *
   * @param rootfs the directory
   * @throws IOException if a file cannot be written
   */
  public static void buildInto(Path rootfs) throws IOException {
    if (!Files.isExecutable(BUSYBOX)) {
      throw new HarnessException("failed to build busybox rootfs: " + BUSYBOX + " is missing (apt-get install busybox-static)");
    }
    for (String dir : List.of("bin", "sbin", "usr/bin", "usr/sbin", "etc", "proc", "dev", "sys", "tmp", "root", "run", "var")) {
      Files.createDirectories(rootfs.resolve(dir));
    }
    Files.setPosixFilePermissions(rootfs.resolve("tmp"), PosixFilePermissions.fromString("rwxrwxrwx"));
    Path busybox = rootfs.resolve("bin/busybox");
    Files.copy(BUSYBOX, busybox, StandardCopyOption.REPLACE_EXISTING);
    Files.setPosixFilePermissions(busybox, PosixFilePermissions.fromString("rwxr-xr-x"));
    for (String applet : applets()) {
      Path link = rootfs.resolve("bin").resolve(applet);
      if (!applet.equals("busybox")) {
        try {
          Files.createSymbolicLink(link, Path.of("busybox"));
        } catch (FileAlreadyExistsException ignored) {
          // built before
        }
      }
    }
    Files.writeString(rootfs.resolve("etc/passwd"), "root:x:0:0:root:/root:/bin/sh\nnobody:x:65534:65534:nobody:/:/bin/false\n");
    Files.writeString(rootfs.resolve("etc/group"), "root:x:0:\nnogroup:x:65534:\n");
  }

  private static List<String> applets() {
    CommandResult list = Commands.run(List.of(BUSYBOX.toString(), "--list"), Duration.ofSeconds(10)).orThrow();
    return list.stdout().lines().map(String::strip).filter(name -> !name.isEmpty() && !name.contains("/")).toList();
  }
}
