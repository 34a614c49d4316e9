package io.jshim.testing.containerd;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;

class OnceBuiltTest {
  @Test
  void concurrentFirstUsesFromVirtualThreadsBuildOnceEvenWhenTheBuildNeedsAVirtualThread() throws Exception {
    AtomicInteger builds = new AtomicInteger();
    OnceBuilt<String> once = new OnceBuilt<>(() -> {
      builds.incrementAndGet();
      // as BusyboxRootfs's build reads `busybox --list` on a virtual thread
      try (ExecutorService reader = Executors.newVirtualThreadPerTaskExecutor()) {
        return reader.submit(() -> "built").get(10, TimeUnit.SECONDS);
      } catch (Exception e) {
        throw new IllegalStateException(e);
      }
    });
    List<Future<String>> results = new ArrayList<>();
    try (ExecutorService users = Executors.newVirtualThreadPerTaskExecutor()) {
      for (int i = 0; i < 32; i++) {
        results.add(users.submit(once::get));
      }
      for (Future<String> result : results) {
        assertThat(result.get(20, TimeUnit.SECONDS)).isEqualTo("built");
      }
    }
    assertThat(builds).hasValue(1);
  }
}
