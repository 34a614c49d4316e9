package io.jshim.testing.containerd;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.HexFormat;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/** Removal of a namespace's cgroups on this host's real cgroup hierarchies. */
@Timeout(60)
class NamespaceCgroupsTest {
  private static final Path ROOT = NamespaceCgroups.ROOT;
  private final String namespace = "jshim-test-" + HexFormat.of().toHexDigits(ThreadLocalRandom.current().nextInt());
  private final NamespaceCgroups cgroups = new NamespaceCgroups(ROOT, Duration.ofMillis(300));
  private Process busy;

  @AfterEach
  void cleanUp() throws Exception {
    if (busy != null) {
      busy.destroyForcibly();
      busy.waitFor(10, TimeUnit.SECONDS);
    }
    new NamespaceCgroups(ROOT, Duration.ofSeconds(5)).remove(namespace);
  }

  @Test
  void removesTheNamespacesCgroupsInEveryHierarchyDeepestFirst() throws Exception {
    Files.createDirectories(ROOT.resolve("memory").resolve(namespace).resolve("c1").resolve("nested"));
    Files.createDirectories(ROOT.resolve("pids").resolve(namespace).resolve("c2"));
    Files.createDirectories(ROOT.resolve("unified").resolve(namespace).resolve("c1"));
    assertThat(cgroups.of(namespace)).contains(ROOT.resolve("memory").resolve(namespace),
        ROOT.resolve("pids").resolve(namespace), ROOT.resolve("unified").resolve(namespace));

    cgroups.remove(namespace);

    assertThat(cgroups.of(namespace)).isEmpty();
    assertThat(ROOT.resolve("memory").resolve(namespace)).doesNotExist();
  }

  @Test
  void aBusyCgroupIsReportedAndEveryEmptyOneStillRemoved() throws Exception {
    Path busyCgroup = Files.createDirectories(ROOT.resolve("pids").resolve(namespace).resolve("busy"));
    Files.createDirectories(ROOT.resolve("pids").resolve(namespace).resolve("idle"));
    Files.createDirectories(ROOT.resolve("memory").resolve(namespace).resolve("c1"));
    busy = new ProcessBuilder("sh", "-c", "echo $$ > " + busyCgroup.resolve("cgroup.procs") + "; exec sleep 600")
        .redirectErrorStream(true).redirectOutput(ProcessBuilder.Redirect.DISCARD).start();
    String pid = Long.toString(busy.pid());
    for (int i = 0; i < 100 && !Files.readString(busyCgroup.resolve("cgroup.procs")).contains(pid); i++) {
      Thread.sleep(20);
    }

    assertThatThrownBy(() -> cgroups.remove(namespace))
        .isInstanceOf(HarnessException.class)
        .hasMessageContaining("failed to remove cgroups of namespace " + namespace)
        .hasMessageContaining(busyCgroup.toString());

    assertThat(busyCgroup).isDirectory();
    assertThat(ROOT.resolve("pids").resolve(namespace).resolve("idle")).doesNotExist();
    assertThat(ROOT.resolve("memory").resolve(namespace)).doesNotExist();
  }
}
