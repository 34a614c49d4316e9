package io.jshim.dist.e2e;

import static org.assertj.core.api.Assertions.assertThat;

import io.jshim.dist.testing.ShimUnderTest;
import io.jshim.testing.containerd.ContainerRun;
import java.io.IOException;
import java.io.InputStream;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/** Behaviour 9: 512 MiB written to stdout reach the ctr client complete. */
class LargeOutputIT extends E2eBase {
  private static final long SIZE = 512L << 20;

  @ParameterizedTest(name = "{0}")
  @MethodSource("shims")
  void halfAGigabyteOfStdoutArrivesComplete(ShimUnderTest shim) throws Exception {
    shim.requireBinary();
    String id = id(shim, "big");
    Process process = ctr.start(ctr.runArguments(ContainerRun.of(shim.runtime(), id,
        "/bin/dd", "if=/dev/zero", "bs=1M", "count=512")));
    process.getOutputStream().close();
    Thread.ofVirtual().start(() -> {
      try {
        process.getErrorStream().transferTo(java.io.OutputStream.nullOutputStream());
      } catch (IOException ignored) {
        // ends with the process
      }
    });
    long count = 0;
    boolean allZero = true;
    byte[] buffer = new byte[1 << 16];
    try (InputStream stdout = process.getInputStream()) {
      int n;
      while ((n = stdout.read(buffer)) >= 0) {
        count += n;
        for (int i = 0; i < n && allZero; i++) {
          allZero = buffer[i] == 0;
        }
      }
    } finally {
      if (!process.waitFor(120, TimeUnit.SECONDS)) {
        process.destroyForcibly();
      }
    }
    assertThat(process.exitValue()).isZero();
    assertThat(count).isEqualTo(SIZE);
    assertThat(allZero).isTrue();
  }
}
