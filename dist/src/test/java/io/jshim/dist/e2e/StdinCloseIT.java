package io.jshim.dist.e2e;

import static org.assertj.core.api.Assertions.assertThat;

import io.jshim.dist.testing.ShimUnderTest;
import io.jshim.testing.containerd.CommandResult;
import io.jshim.testing.containerd.HarnessException;
import java.security.MessageDigest;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * Issue 12 item 1: CloseIO hands the process every byte the client wrote before it, then EOF. {@code ctr task exec}
 * (1.6 always attaches stdin) writes its stdin into the stdin FIFO and calls CloseIO as soon as its own stdin ends,
 * as containerd's clients do. Many sessions run at once, each piping a distinct payload into a process that starts
 * reading a little later ({@code sleep 0.2; exec md5sum}, as any slow reader), so that when CloseIO arrives up to a
 * pipe's and a FIFO's worth of the payload still waits in the shim's hands; every digest must be the payload's.
 * Before the fix jrunc closed the pipe into the process at CloseIO: the process saw EOF early (digests of truncated
 * payloads), and a later close hit a reused fd number (a process never saw EOF).
 */
class StdinCloseIT extends E2eBase {
  private static final int SESSIONS = 12;
  private static final int ROUNDS = Integer.getInteger("jshim.e2e.stdin-rounds", 4);
  /** Far above a session's few hundred milliseconds; a process that never sees EOF keeps ctr waiting. */
  private static final Duration SESSION_BOUND = Duration.ofSeconds(30);

  @ParameterizedTest(name = "{0}")
  @MethodSource("shims")
  void concurrentExecSessionsReceiveAllTheirStdinThenEof(ShimUnderTest shim) throws Exception {
    String id = startSleeper(shim, "stdin");
    List<String> lost = new ArrayList<>();
    ExecutorService sessions = Executors.newVirtualThreadPerTaskExecutor();
    try {
      for (int round = 0; round < ROUNDS; round++) {
        List<Future<String>> results = new ArrayList<>();
        for (int i = 0; i < SESSIONS; i++) {
          String execId = "in-" + round + "-" + i;
          byte[] payload = payload(execId, 160 * 1024 + 509 * i);
          results.add(sessions.submit(() -> session(id, execId, payload)));
        }
        for (int i = 0; i < SESSIONS; i++) {
          String failure;
          try {
            failure = results.get(i).get(SESSION_BOUND.toSeconds() * 2, TimeUnit.SECONDS);
          } catch (TimeoutException e) {
            failure = "in-" + round + "-" + i + ": no answer from ctr";
          }
          if (failure != null) {
            lost.add(failure);
          }
        }
      }
    } finally {
      sessions.shutdownNow();
      // a ctr the harness could not end (it waits for an EOF that never comes) must not outlive the test
      ProcessHandle.current().descendants()
          .filter(p -> p.info().commandLine().map(c -> c.contains(" task exec ") && c.contains(id)).orElse(false))
          .forEach(ProcessHandle::destroyForcibly);
      remove(id);
    }
    assertThat(lost).as("sessions (of %s) whose process did not read exactly its stdin", SESSIONS * ROUNDS).isEmpty();
  }

  /** @return null when md5sum printed the payload's digest, else what went wrong */
  private static String session(String id, String execId, byte[] payload) throws Exception {
    String expected = md5(payload) + "  -";
    try {
      CommandResult result = ctr.ctr(payload, SESSION_BOUND,
          List.of("task", "exec", "--exec-id", execId, id, "/bin/sh", "-c", "sleep 0.2; exec /bin/md5sum"));
      return result.exitCode() == 0 && result.stdout().strip().equals(expected) ? null
          : execId + " (" + payload.length + " bytes): expected '" + expected + "', got exit " + result.exitCode()
              + " stdout '" + result.stdout().strip() + "' stderr '" + result.stderr().strip() + "'";
    } catch (HarnessException e) {
      // md5sum never saw EOF: the pipe into it stayed open
      return execId + " (" + payload.length + " bytes): " + e.getMessage();
    }
  }

  private static byte[] payload(String seed, int size) {
    byte[] bytes = new byte[size];
    byte[] name = seed.getBytes(java.nio.charset.StandardCharsets.US_ASCII);
    for (int i = 0; i < size; i++) {
      bytes[i] = (byte) (i % 61 == 60 ? '\n' : name[i % name.length] + i % 7);
    }
    return bytes;
  }

  private static String md5(byte[] bytes) throws Exception {
    return HexFormat.of().formatHex(MessageDigest.getInstance("MD5").digest(bytes));
  }
}
