package io.jshim.dist.e2e;

import io.jshim.dist.testing.ContainerdSuite;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Timeout;

/**
 * One private containerd per test class (with {@code dist/target/jshim/bin} on its PATH) and one namespace;
 * each test method runs once per {@link io.jshim.dist.testing.ShimUnderTest}.
 */
@Timeout(180)
abstract class E2eBase extends ContainerdSuite {

  @BeforeAll
  static void startContainerd() throws Exception {
    startContainerd("jshim-e2e-");
  }
}
