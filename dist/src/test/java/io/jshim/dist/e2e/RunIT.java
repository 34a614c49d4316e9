package io.jshim.dist.e2e;

import static org.assertj.core.api.Assertions.assertThat;

import io.jshim.dist.testing.ShimUnderTest;
import io.jshim.testing.containerd.CommandResult;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/** Behaviour 1: output and exit code of {@code ctr run --rm}. */
class RunIT extends E2eBase {
  @ParameterizedTest(name = "{0}")
  @MethodSource("shims")
  void echoPrintsHello(ShimUnderTest shim) {
    CommandResult result = run(shim, id(shim, "echo"), "/bin/echo", "hello");
    assertThat(result.exitCode()).as(result.toString()).isZero();
    assertThat(result.stdout()).isEqualTo("hello\n");
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("shims")
  void exitCodeReachesCtr(ShimUnderTest shim) {
    CommandResult result = run(shim, id(shim, "exit"), "/bin/sh", "-c", "echo out; echo err >&2; exit 7");
    assertThat(result.exitCode()).as(result.toString()).isEqualTo(7);
    assertThat(result.stdout()).isEqualTo("out\n");
    assertThat(result.stderr()).isEqualTo("err\n");
  }
}
