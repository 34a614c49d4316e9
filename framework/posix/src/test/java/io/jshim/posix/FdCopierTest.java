package io.jshim.posix;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.SplittableRandom;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

@Timeout(120)
class FdCopierTest {
  private static final int SIZE = 64 << 20;
  private static final int BLOCK = 256 << 10;

  @TempDir Path dir;
  private final List<Integer> fds = new ArrayList<>();
  private Posix posix = PosixImplementation.FFM.create();

  @AfterEach
  void closeFds() {
    for (int fd : fds) {
      try {
        posix.close(fd);
      } catch (PosixException ignored) {
        // closed by the test
      }
    }
  }

  private int track(int fd) {
    fds.add(fd);
    return fd;
  }

  @ParameterizedTest
  @EnumSource(PosixImplementation.class)
  void copies64MiBPipeToPipe(PosixImplementation implementation) throws Exception {
    posix = implementation.create();
    PipeFds in = posix.pipe2(FileCalls.O_CLOEXEC);
    PipeFds out = posix.pipe2(FileCalls.O_CLOEXEC);
    track(in.readFd());
    track(out.readFd());
    transfer(in.writeFd(), in.readFd(), out.writeFd(), out.readFd());
  }

  @Test
  void copies64MiBFifoToFifoWithNonBlockingEnds() throws Exception {
    Path inFifo = dir.resolve("stdin");
    Path outFifo = dir.resolve("stdout");
    posix.mkfifo(inFifo, 0600);
    posix.mkfifo(outFifo, 0600);
    int inRead = track(posix.open(inFifo, FileCalls.O_RDONLY | FileCalls.O_NONBLOCK | FileCalls.O_CLOEXEC, 0));
    int inWrite = posix.open(inFifo, FileCalls.O_WRONLY | FileCalls.O_CLOEXEC, 0);
    int outRead = track(posix.open(outFifo, FileCalls.O_RDONLY | FileCalls.O_NONBLOCK | FileCalls.O_CLOEXEC, 0));
    int outWrite = posix.open(outFifo, FileCalls.O_WRONLY | FileCalls.O_NONBLOCK | FileCalls.O_CLOEXEC, 0);
    posix.setNonBlocking(outRead, false);
    transfer(inWrite, inRead, outWrite, outRead);
  }

  @Test
  void copiesRegularFileToFileThroughTheBuffer() throws Exception {
    Path source = dir.resolve("source");
    String expected = writeRandomFile(source, 8 << 20);
    Path target = dir.resolve("target");
    int in = track(posix.open(source, FileCalls.O_RDONLY | FileCalls.O_CLOEXEC, 0));
    int out = track(posix.open(target, FileCalls.O_WRONLY | FileCalls.O_CREAT | FileCalls.O_CLOEXEC, 0600));
    assertThat(new FdCopier(posix).copy(in, out)).isEqualTo(8 << 20);
    assertThat(sha256(target)).isEqualTo(expected);
  }

  @Test
  void copiesFileIntoPipeAndPipeIntoFile() throws Exception {
    Path source = dir.resolve("source");
    String expected = writeRandomFile(source, 8 << 20);
    PipeFds pipe = posix.pipe2(FileCalls.O_CLOEXEC);
    track(pipe.readFd());
    int in = track(posix.open(source, FileCalls.O_RDONLY | FileCalls.O_CLOEXEC, 0));
    Path target = dir.resolve("target");
    int out = track(posix.open(target, FileCalls.O_WRONLY | FileCalls.O_CREAT | FileCalls.O_CLOEXEC, 0600));
    CompletableFuture<Long> drained = onPlatformThread(() -> new FdCopier(posix).copy(pipe.readFd(), out));
    assertThat(new FdCopier(posix).copy(in, pipe.writeFd())).isEqualTo(8 << 20);
    posix.close(pipe.writeFd());
    assertThat(drained.get(60, TimeUnit.SECONDS)).isEqualTo(8 << 20);
    assertThat(sha256(target)).isEqualTo(expected);
  }

  @Test
  void reportsABrokenPipeAndStopsOnInterrupt() throws Exception {
    PipeFds in = posix.pipe2(FileCalls.O_CLOEXEC);
    PipeFds out = posix.pipe2(FileCalls.O_CLOEXEC);
    track(in.readFd());
    track(in.writeFd());
    track(out.writeFd());
    posix.close(out.readFd());
    posix.write(in.writeFd(), new byte[] {1}, 0, 1);
    assertThatThrownBy(() -> new FdCopier(posix).copy(in.readFd(), out.writeFd()))
        .isInstanceOfSatisfying(PosixException.class, e -> assertThat(e.errno()).isEqualTo(Errno.EPIPE));

    PipeFds idle = posix.pipe2(FileCalls.O_CLOEXEC);
    PipeFds sink = posix.pipe2(FileCalls.O_CLOEXEC);
    fds.addAll(List.of(idle.readFd(), idle.writeFd(), sink.readFd(), sink.writeFd()));
    CompletableFuture<Throwable> outcome = new CompletableFuture<>();
    Thread copier = Thread.ofPlatform().start(() -> {
      try {
        new FdCopier(posix).copy(idle.readFd(), sink.writeFd());
        outcome.complete(null);
      } catch (Throwable t) {
        outcome.complete(t);
      }
    });
    Thread.sleep(100);
    copier.interrupt();
    assertThat(outcome.get(10, TimeUnit.SECONDS)).isInstanceOf(InterruptedException.class);
  }

  /** Writes SIZE random bytes into writeFd, copies readFd -> copyOut, reads copyRead; compares count+digest. */
  private void transfer(int writeFd, int readFd, int copyOut, int copyRead) throws Exception {
    CompletableFuture<String> written = onPlatformThread(() -> {
      try {
        MessageDigest digest = MessageDigest.getInstance("SHA-256");
        SplittableRandom random = new SplittableRandom(42);
        byte[] block = new byte[BLOCK];
        for (long sent = 0; sent < SIZE; sent += BLOCK) {
          random.nextBytes(block);
          digest.update(block);
          int off = 0;
          while (off < BLOCK) {
            off += posix.write(writeFd, block, off, BLOCK - off);
          }
        }
        return HexFormat.of().formatHex(digest.digest());
      } finally {
        posix.close(writeFd);
      }
    });
    CompletableFuture<Long> copied = onPlatformThread(() -> {
      try {
        return new FdCopier(posix).copy(readFd, copyOut);
      } finally {
        posix.close(copyOut);
      }
    });
    MessageDigest digest = MessageDigest.getInstance("SHA-256");
    byte[] buf = new byte[BLOCK];
    long received = 0;
    int n;
    while ((n = posix.read(copyRead, buf, 0, buf.length)) > 0) {
      digest.update(buf, 0, n);
      received += n;
    }
    assertThat(received).isEqualTo(SIZE);
    assertThat(copied.get(60, TimeUnit.SECONDS)).isEqualTo(SIZE);
    assertThat(HexFormat.of().formatHex(digest.digest())).isEqualTo(written.get(60, TimeUnit.SECONDS));
  }

  private interface Body<T> {
    T run() throws Exception;
  }

  private static <T> CompletableFuture<T> onPlatformThread(Body<T> body) {
    CompletableFuture<T> result = new CompletableFuture<>();
    Thread.ofPlatform().start(() -> {
      try {
        result.complete(body.run());
      } catch (Throwable t) {
        result.completeExceptionally(t);
      }
    });
    return result;
  }

  private static String writeRandomFile(Path path, int size) throws Exception {
    byte[] data = new byte[size];
    new SplittableRandom(7).nextBytes(data);
    Files.write(path, data);
    return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(data));
  }

  private static String sha256(Path path) throws Exception {
    MessageDigest digest = MessageDigest.getInstance("SHA-256");
    try (InputStream in = Files.newInputStream(path)) {
      byte[] buf = new byte[1 << 16];
      int n;
      while ((n = in.read(buf)) > 0) {
        digest.update(buf, 0, n);
      }
    } catch (IOException e) {
      throw new AssertionError(e);
    }
    return HexFormat.of().formatHex(digest.digest());
  }
}
