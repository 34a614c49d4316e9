package io.jshim.dist.e2e;

import static org.assertj.core.api.Assertions.assertThat;

import io.jshim.dist.testing.ShimUnderTest;
import io.jshim.testing.containerd.CtrEvent;
import io.jshim.testing.containerd.CtrEvents;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/** Behaviour 8: task events in order, with the right ids, pids and exit codes. */
class EventsIT extends E2eBase {
  @ParameterizedTest(name = "{0}")
  @MethodSource("shims")
  void lifecycleEventsInOrder(ShimUnderTest shim) {
    try (CtrEvents events = ctr.events()) {
      String id = startSleeper(shim, "events");
      try {
        assertThat(ctr.exec(id, "x1", "/bin/sh", "-c", "exit 3").exitCode()).isEqualTo(3);
        ctr.kill(id, "SIGKILL", false).orThrow();
        events.await(namespace, "/tasks/exit", "\"id\":\"" + id + "\"", Duration.ofSeconds(20));
        ctr.deleteTask(id).orThrow();
        events.await(namespace, "/tasks/delete", "\"container_id\":\"" + id + "\"", Duration.ofSeconds(20));
      } finally {
        remove(id);
      }
      List<CtrEvent> mine = events.events(namespace).stream()
          .filter(e -> e.topic().startsWith("/tasks/"))
          .filter(e -> e.field("container_id").filter(id::equals).isPresent())
          .toList();
      assertThat(mine).extracting(CtrEvent::topic).as("events: %s", mine).containsExactly(
          "/tasks/create", "/tasks/start", "/tasks/exec-added", "/tasks/exec-started", "/tasks/exit", "/tasks/exit", "/tasks/delete");
      String initPid = mine.get(0).field("pid").orElseThrow();
      assertThat(initPid).isNotEqualTo("0");
      assertThat(mine.get(1).field("pid")).contains(initPid);
      assertThat(mine.get(2).field("exec_id")).contains("x1");
      assertThat(mine.get(3).field("exec_id")).contains("x1");
      String execPid = mine.get(3).field("pid").orElseThrow();
      assertThat(execPid).isNotEqualTo(initPid);
      assertThat(mine.get(4).field("id")).contains("x1");
      assertThat(mine.get(4).field("pid")).contains(execPid);
      assertThat(mine.get(4).field("exit_status")).contains("3");
      assertThat(mine.get(5).field("id")).contains(id);
      assertThat(mine.get(5).field("pid")).contains(initPid);
      assertThat(mine.get(5).field("exit_status")).contains("137");
      assertThat(mine.get(6).field("pid")).contains(initPid);
      assertThat(mine.get(6).field("exit_status")).contains("137");
    }
  }
}
