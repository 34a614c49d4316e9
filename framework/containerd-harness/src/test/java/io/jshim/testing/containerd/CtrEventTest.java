package io.jshim.testing.containerd;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

class CtrEventTest {
  @Test
  void parsesCtrEventsLine() {
    CtrEvent event = CtrEvent.parse("2025-01-02 10:11:12.123456789 +0000 UTC ns1 /tasks/exit "
        + "{\"container_id\":\"c1\",\"id\":\"c1\",\"pid\":4242,\"exit_status\":7,\"exited_at\":\"2025-01-02T10:11:12Z\"}").orElseThrow();
    assertThat(event.namespace()).isEqualTo("ns1");
    assertThat(event.topic()).isEqualTo("/tasks/exit");
    assertThat(event.field("container_id")).contains("c1");
    assertThat(event.field("pid")).contains("4242");
    assertThat(event.field("exit_status")).contains("7");
    assertThat(event.field("exec_id")).isEmpty();
  }

  @Test
  void rejectsOtherLines() {
    assertThat(CtrEvent.parse("ctr: failed to dial")).isEmpty();
  }
}
