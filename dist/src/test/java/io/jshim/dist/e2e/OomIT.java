package io.jshim.dist.e2e;

import static org.assertj.core.api.Assertions.assertThat;

import io.jshim.dist.testing.ShimUnderTest;
import io.jshim.testing.containerd.CommandResult;
import io.jshim.testing.containerd.ContainerRun;
import io.jshim.testing.containerd.CtrEvent;
import io.jshim.testing.containerd.CtrEvents;
import java.time.Duration;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/** Behaviour 7: a container over its memory limit yields {@code /tasks/oom}. */
class OomIT extends E2eBase {
  @ParameterizedTest(name = "{0}")
  @MethodSource("shims")
  void memoryHogTriggersOomEvent(ShimUnderTest shim) {
    shim.requireBinary();
    String id = id(shim, "oom");
    try (CtrEvents events = ctr.events()) {
      CommandResult result = ctr.run(ContainerRun.of(shim.runtime(), id, "/bin/sh", "-c", "x=a; while true; do x=$x$x; done")
          .withFlags("--memory-limit", Long.toString(16L << 20)));
      assertThat(result.exitCode()).as(result.toString()).isEqualTo(137);
      CtrEvent oom = events.await(namespace, "/tasks/oom", "\"container_id\":\"" + id + "\"", Duration.ofSeconds(20));
      assertThat(oom.field("container_id")).contains(id);
    }
  }
}
