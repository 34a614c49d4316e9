package io.jshim.dist.e2e;

import static org.assertj.core.api.Assertions.assertThat;

import io.jshim.dist.testing.ShimUnderTest;
import io.jshim.testing.containerd.CtrEvent;
import io.jshim.testing.containerd.CtrEvents;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * Behaviour 4: SIGTERM (143), SIGKILL (137) and {@code --all}. The init of a PID namespace ignores signals it
 * has no handler for, so SIGTERM is tested on an exec'd process, SIGKILL on the init.
 */
class SignalIT extends E2eBase {
  @ParameterizedTest(name = "{0}")
  @MethodSource("shims")
  void sigtermAndSigkillGive143And137(ShimUnderTest shim) throws Exception {
    String id = startSleeper(shim, "signal");
    try (CtrEvents events = ctr.events()) {
      Process exec = ctr.start(List.of("task", "exec", "--exec-id", "term", id, "/bin/sleep", "600"));
      events.await(namespace, "/tasks/exec-started", "\"exec_id\":\"term\"", Duration.ofSeconds(20));
      ctr.ctr("task", "kill", "--signal", "SIGTERM", "--exec-id", "term", id).orThrow();
      assertThat(exec.waitFor(20, TimeUnit.SECONDS)).isTrue();
      assertThat(exec.exitValue()).isEqualTo(143);
      CtrEvent execExit = events.await(namespace, "/tasks/exit", "\"id\":\"term\"", Duration.ofSeconds(10));
      assertThat(execExit.field("exit_status")).contains("143");

      ctr.kill(id, "SIGKILL", false).orThrow();
      CtrEvent exit = events.await(namespace, "/tasks/exit", "\"id\":\"" + id + "\"", Duration.ofSeconds(20));
      assertThat(exit.field("exit_status")).contains("137");
      assertThat(await(() -> ctr.taskStatus(id).filter("STOPPED"::equals).isPresent(), Duration.ofSeconds(10))).isTrue();
    } finally {
      remove(id);
    }
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("shims")
  void killAllSignalsEveryProcess(ShimUnderTest shim) throws Exception {
    String id = startSleeper(shim, "killall");
    try (CtrEvents events = ctr.events()) {
      Process exec = ctr.start(List.of("task", "exec", "--exec-id", "other", id, "/bin/sleep", "600"));
      events.await(namespace, "/tasks/exec-started", "\"exec_id\":\"other\"", Duration.ofSeconds(20));
      ctr.kill(id, "SIGKILL", true).orThrow();
      assertThat(exec.waitFor(20, TimeUnit.SECONDS)).isTrue();
      assertThat(exec.exitValue()).isEqualTo(137);
      CtrEvent exit = events.await(namespace, "/tasks/exit", "\"id\":\"" + id + "\"", Duration.ofSeconds(20));
      assertThat(exit.field("exit_status")).contains("137");
    } finally {
      remove(id);
    }
  }
}
