package io.jshim.testing.containerd;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Optional;

/** Reads process command lines from {@code /proc}. */
final class ProcFs {
  private static final Path PROC = Path.of("/proc");

  private ProcFs() {}

  /** A process and its argv, as read from {@code /proc/<pid>/cmdline}. */
  record ProcessEntry(long pid, List<String> argv) {
    /** @return the value following {@code flag} in argv, if any */
    Optional<String> flagValue(String flag) {
      int index = argv.indexOf(flag);
      return index >= 0 && index + 1 < argv.size() ? Optional.of(argv.get(index + 1)) : Optional.empty();
    }
  }

  /** @return every process whose cmdline could be read (kernel threads and vanished processes are left out) */
  static List<ProcessEntry> processes() {
    List<ProcessEntry> entries = new ArrayList<>();
    try (DirectoryStream<Path> dirs = Files.newDirectoryStream(PROC, p -> p.getFileName().toString().matches("\\d+"))) {
      for (Path dir : dirs) {
        long pid = Long.parseLong(dir.getFileName().toString());
        readArgv(pid).ifPresent(argv -> entries.add(new ProcessEntry(pid, argv)));
      }
    } catch (IOException e) {
      throw new HarnessException("failed to list processes in /proc: " + e.getMessage(), e);
    }
    return entries;
  }

  static Optional<List<String>> readArgv(long pid) {
    try {
      byte[] raw = Files.readAllBytes(PROC.resolve(Long.toString(pid)).resolve("cmdline"));
      if (raw.length == 0) {
        return Optional.empty();
      }
      String text = new String(raw, StandardCharsets.UTF_8);
      if (text.endsWith("\0")) {
        text = text.substring(0, text.length() - 1);
      }
      return Optional.of(Arrays.asList(text.split("\0", -1)));
    } catch (IOException e) {
      return Optional.empty();
    }
  }

  static int countEntries(Path dir) {
    try (DirectoryStream<Path> entries = Files.newDirectoryStream(dir)) {
      int count = 0;
      for (Path ignored : entries) {
        count++;
      }
      return count;
    } catch (IOException e) {
      throw new HarnessException("failed to count entries of " + dir + ": " + e.getMessage(), e);
    }
  }
}
