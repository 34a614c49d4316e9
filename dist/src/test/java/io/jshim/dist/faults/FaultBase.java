package io.jshim.dist.faults;

import io.jshim.dist.testing.ContainerdSuite;
import java.util.Optional;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Timeout;

/**
 * One private containerd per test class (with {@code dist/target/jshim/bin} on its PATH) and one namespace;
 * each test method runs once per {@link io.jshim.dist.testing.ShimUnderTest}.
 */
@Timeout(300)
abstract class FaultBase extends ContainerdSuite {
  /** The CRI annotation both shims group containers by (one daemon per sandbox). */
  static final String SANDBOX = "io.kubernetes.cri.sandbox-id";

  @BeforeAll
  static void startContainerd() throws Exception {
    startContainerd("jshim-faults-");
  }

  /** @return the pid column of {@code ctr task ls} for this task */
  static Optional<Long> taskPid(String id) {
    return ctr.taskLs().orThrow().stdout().lines().map(String::strip).map(l -> l.split("\\s+"))
        .filter(c -> c.length >= 3 && c[0].equals(id)).map(c -> Long.parseLong(c[1])).findFirst();
  }
}
