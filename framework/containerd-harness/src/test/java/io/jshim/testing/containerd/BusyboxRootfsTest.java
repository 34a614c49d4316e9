package io.jshim.testing.containerd;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;

class BusyboxRootfsTest {
  @Test
  void holdsBusyboxAppletsAndBasicFiles() throws Exception {
    Path rootfs = BusyboxRootfs.path();
    assertThat(BusyboxRootfs.path()).isSameAs(rootfs);
    assertThat(rootfs.resolve("bin/busybox")).isExecutable();
    assertThat(Files.readSymbolicLink(rootfs.resolve("bin/sh"))).isEqualTo(Path.of("busybox"));
    assertThat(rootfs.resolve("bin/echo")).exists();
    assertThat(rootfs.resolve("bin/cat")).exists();
    assertThat(Files.readString(rootfs.resolve("etc/passwd"))).startsWith("root:x:0:0:");
    assertThat(rootfs.resolve("etc/group")).exists();
    for (String dir : new String[] {"proc", "dev", "tmp", "sys"}) {
      assertThat(rootfs.resolve(dir)).isDirectory();
    }
  }
}
