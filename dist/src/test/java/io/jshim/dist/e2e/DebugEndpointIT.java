package io.jshim.dist.e2e;

import static org.assertj.core.api.Assertions.assertThat;

import io.jshim.dist.testing.ShimUnderTest;
import io.jshim.testing.containerd.ShimProcess;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermission;
import java.time.Duration;
import java.util.List;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * pprof-jfr acceptance 1: under a containerd logging at {@code debug} (so it runs its shims with {@code -debug}) the
 * jrunc shim serves its debug endpoint on {@code <task socket>.debug}, mode 0600, owned by root; a thread dump
 * fetched with {@code curl --unix-socket} names the task service's threads; the socket is gone once the shim exits.
 * jrunc only: the Go shim's debug socket serves Go's pprof, not these endpoints.
 */
class DebugEndpointIT extends E2eBase {
  private static final String DEBUG_SUFFIX = ".debug";
  private static final int S_IFMT = 0170000;
  private static final int S_IFSOCK = 0140000;
  private static final Duration CURL_BOUND = Duration.ofSeconds(30);
  /** Mode 0600: the only permissions the debug socket may have. */
  private static final Set<PosixFilePermission> OWNER_ONLY = Set.of(PosixFilePermission.OWNER_READ, PosixFilePermission.OWNER_WRITE);

  /** @return jrunc when the suite's jrunc half is on (it is by default), else nothing */
  static Stream<ShimUnderTest> jrunc() {
    return shims().filter(ShimUnderTest.JRUNC::equals);
  }

  @ParameterizedTest(name = "{0}", allowZeroInvocations = true)
  @MethodSource("jrunc")
  void debugSocketServesThreadDumpOfTheTaskServiceAndGoesAwayWithTheShim(ShimUnderTest shim) throws Exception {
    assertThat(containerd.config().debugLevel()).as("containerd logs at debug, so it runs shims with -debug").isEqualTo("debug");
    String id = startSleeper(shim, "debug");
    ShimProcess daemon;
    Path debugSocket;
    try {
      daemon = containerd.shims().await(namespace, id, Duration.ofSeconds(10));
      assertThat(daemon.argv()).as("shim daemon command line").contains("-debug");
      debugSocket = Path.of(daemon.socket() + DEBUG_SUFFIX);

      assertThat(await(() -> Files.exists(debugSocket, LinkOption.NOFOLLOW_LINKS), Duration.ofSeconds(10)))
          .as("debug socket %s of shim pid %d", debugSocket, daemon.pid()).isTrue();
      int mode = (Integer) Files.getAttribute(debugSocket, "unix:mode", LinkOption.NOFOLLOW_LINKS);
      assertThat(mode & S_IFMT).as("file type of %s (mode %o)", debugSocket, mode).isEqualTo(S_IFSOCK);
      assertThat(Files.getPosixFilePermissions(debugSocket, LinkOption.NOFOLLOW_LINKS))
          .as("permissions of %s", debugSocket).isEqualTo(OWNER_ONLY);
      assertThat(Files.getAttribute(debugSocket, "unix:uid", LinkOption.NOFOLLOW_LINKS)).isEqualTo(0);
      assertThat(Files.getOwner(debugSocket, LinkOption.NOFOLLOW_LINKS).getName()).isEqualTo("root");

      HttpReply threads = curl(debugSocket, "/debug/threads");
      assertThat(threads.status()).as(threads.toString()).isEqualTo(200);
      assertThat(threads.body())
          .as("thread dump names the TTRPC server's threads (containerd's connection is open), the reaper and the request")
          .contains("\"ttrpc-accept\"", "\"ttrpc-conn-", "\"jshim-reaper\"", "\"jshim-debug-request-");

      HttpReply vm = curl(debugSocket, "/debug/vm");
      assertThat(vm.status()).as(vm.toString()).isEqualTo(200);
      assertThat(vm.body()).contains(Long.toString(daemon.pid()));

      HttpReply unknown = curl(debugSocket, "/debug/no-such-endpoint");
      assertThat(unknown.status()).as(unknown.toString()).isEqualTo(404);
      assertThat(unknown.body()).contains("/debug/threads");

      ctr.kill(id, "SIGKILL", false).orThrow();
      assertThat(await(() -> ctr.taskStatus(id).filter("STOPPED"::equals).isPresent(), Duration.ofSeconds(15)))
          .as("task %s stopped after SIGKILL: %s", id, ctr.taskLs()).isTrue();
      ctr.deleteTask(id).orThrow();
      ctr.deleteContainer(id).orThrow();
    } finally {
      remove(id);
    }
    assertThat(await(() -> !daemon.isAlive(), Duration.ofSeconds(15)))
        .as("shim pid %d exits once its only task is deleted", daemon.pid()).isTrue();
    assertThat(await(() -> !Files.exists(debugSocket, LinkOption.NOFOLLOW_LINKS), Duration.ofSeconds(5)))
        .as("debug socket %s removed when the shim exits", debugSocket).isTrue();
  }

  /** The status and body of one GET over the debug socket. */
  private record HttpReply(String path, int status, String body, String stderr) {
    @Override
    public String toString() {
      return "GET " + path + " -> " + status + (stderr.isEmpty() ? "" : " curl: " + stderr.strip()) + ", body: "
          + (body.length() > 2000 ? body.substring(0, 2000) + "..." : body);
    }
  }

  private static HttpReply curl(Path socket, String path) throws IOException, InterruptedException {
    Path body = Files.createTempFile(workDir, "debug-body-", ".txt");
    Path stderr = Files.createTempFile(workDir, "debug-curl-", ".err");
    Process curl = new ProcessBuilder(List.of("curl", "-sS", "--max-time", Long.toString(CURL_BOUND.toSeconds() - 5),
        "--unix-socket", socket.toString(), "-o", body.toString(), "-w", "%{http_code}", "http://localhost" + path))
        .redirectInput(ProcessBuilder.Redirect.from(new java.io.File("/dev/null")))
        .redirectError(stderr.toFile())
        .start();
    if (!curl.waitFor(CURL_BOUND.toMillis(), TimeUnit.MILLISECONDS)) {
      curl.destroyForcibly();
      throw new AssertionError("curl --unix-socket " + socket + " http://localhost" + path + " did not finish within " + CURL_BOUND);
    }
    String code = new String(curl.getInputStream().readAllBytes(), StandardCharsets.UTF_8).strip();
    String error = Files.readString(stderr, StandardCharsets.UTF_8);
    assertThat(curl.exitValue()).as("curl %s over %s: %s", path, socket, error).isZero();
    return new HttpReply(path, Integer.parseInt(code), Files.readString(body, StandardCharsets.UTF_8), error);
  }
}
