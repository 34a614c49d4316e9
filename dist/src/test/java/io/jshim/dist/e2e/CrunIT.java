package io.jshim.dist.e2e;

import static org.assertj.core.api.Assertions.assertThat;

import io.jshim.dist.testing.ShimUnderTest;
import io.jshim.testing.containerd.CommandResult;
import io.jshim.testing.containerd.ContainerRun;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * Behaviour 10: crun through the runtime options' {@code binary_name}. crun 1.8 refuses hybrid cgroup hosts:
 * there the test asserts that crun ran and its error reached the ctr client; elsewhere that the container ran.
 */
class CrunIT extends E2eBase {
  private static final Path CRUN = Path.of("/usr/bin/crun");

  @ParameterizedTest(name = "{0}")
  @MethodSource("shims")
  void crunRunsThroughBinaryName(ShimUnderTest shim) throws Exception {
    shim.requireBinary();
    assertThat(CRUN).as("crun installed (apt-get install crun)").isExecutable();
    CommandResult result = ctr.run(ContainerRun.of(shim.runtime(), id(shim, "crun"), "/bin/echo", "hello from crun")
        .withFlags(shim.runtimeBinaryFlags(CRUN, workDir).toArray(String[]::new)));
    if (hybridCgroups()) {
      assertThat(result.exitCode()).as(result.toString()).isNotZero();
      assertThat(result.stderr()).contains("OCI runtime create failed").contains("cgroups in hybrid mode not supported");
    } else {
      assertThat(result.exitCode()).as(result.toString()).isZero();
      assertThat(result.stdout()).isEqualTo("hello from crun\n");
    }
  }

  private static boolean hybridCgroups() {
    return Files.isDirectory(Path.of("/sys/fs/cgroup/unified")) && Files.isDirectory(Path.of("/sys/fs/cgroup/memory"));
  }
}
