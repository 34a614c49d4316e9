package io.jshim.dist.cri;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;

/**
 * The sandbox's pause process: a static C program compiled on the spot with {@code gcc -static} that sleeps
 * in {@code pause()} until SIGTERM or SIGINT, reaping children meanwhile (it is PID 1 of the pod's PID namespace).
 */
final class PauseBinary {
  private static final String SOURCE = """
      #include <signal.h>
      #include <sys/wait.h>
      #include <unistd.h>

      static void quit(int sig) { (void) sig; _exit(0); }

      static void reap(int sig) {
        (void) sig;
        while (waitpid(-1, 0, WNOHANG) > 0) {
        }
      }

      int main(void) {
        signal(SIGTERM, quit);
        signal(SIGINT, quit);
        signal(SIGCHLD, reap);
        for (;;) {
          pause();
        }
      }
      """;

  private PauseBinary() {}

  /**
   * Compiles the pause program into {@code <rootfs>/pause}.
   *
   * @param rootfs the image's root directory
   * @param workDir where the C source goes
   * @throws IOException if gcc (with a static libc: {@code apt-get install gcc libc6-dev}) fails
   */
  static void compileInto(Path rootfs, Path workDir) throws IOException {
    Path source = workDir.resolve("pause.c");
    Files.writeString(source, SOURCE);
    HostCommand.run(Duration.ofSeconds(60),
        List.of("gcc", "-static", "-O2", "-o", rootfs.resolve("pause").toString(), source.toString()));
  }
}
