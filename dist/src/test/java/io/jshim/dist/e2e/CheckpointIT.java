package io.jshim.dist.e2e;

import static org.assertj.core.api.Assertions.assertThat;

import io.jshim.dist.testing.ShimUnderTest;
import io.jshim.testing.containerd.CommandResult;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * Behaviour 6: checkpoint through criu. Where {@code criu check} fails (Debian's criu 3.17 on recent kernels:
 * vDSO bounds) the shim must fail the same way the Go shim does, with criu's failure reaching ctr; the test
 * prints that proof. Where criu works, the checkpoint must succeed.
 */
class CheckpointIT extends E2eBase {
  @ParameterizedTest(name = "{0}")
  @MethodSource("shims")
  void checkpointGoesThroughCriu(ShimUnderTest shim) throws Exception {
    String criuCheck = criuCheck();
    boolean criuWorks = criuCheck.startsWith("0:");
    String id = startSleeper(shim, "ckpt");
    try {
      CommandResult checkpoint = ctr.ctr("task", "checkpoint", id);
      if (criuWorks) {
        assertThat(checkpoint.exitCode()).as(checkpoint.toString()).isZero();
        assertThat(ctr.ctr("images", "ls", "--quiet").orThrow().stdout()).contains("checkpoint");
      } else {
        System.out.println("[" + shim + "] criu check fails on this kernel (" + criuCheck.lines().reduce((a, b) -> b).orElse("")
            + "); checkpoint failed as expected: " + checkpoint.stderr().strip());
        assertThat(checkpoint.exitCode()).isNotZero();
        assertThat(checkpoint.stderr()).contains("criu");
      }
    } finally {
      remove(id);
    }
  }

  private static String criuCheck() throws IOException, InterruptedException {
    Process process = new ProcessBuilder("criu", "check").redirectErrorStream(true).start();
    String output = new String(process.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
    if (!process.waitFor(30, TimeUnit.SECONDS)) {
      process.destroyForcibly();
      return "timeout: " + output;
    }
    return process.exitValue() + ":" + output;
  }
}
