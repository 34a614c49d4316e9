package io.jshim.dist.launcher;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.ObjectMapper;
import io.jshim.api.ContainerdAny;
import io.jshim.api.runc.v1.Options;
import io.jshim.api.types.RuntimeInfo;
import io.jshim.dist.testing.HostProcess;
import io.jshim.dist.testing.ShimUnderTest;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * The built launcher's {@code -info} as containerd 2.x runs it ({@code <shim> -info}, the runtime options Any on
 * stdin, a {@code RuntimeInfo} protobuf on stdout), with this host's runc: the {@code features} it carries are
 * {@code runc features}, typed as containerd's typeurl registers the runtime-spec's {@code features.Features}.
 */
@Timeout(120)
class InfoIT {
  private static final ObjectMapper JSON = new ObjectMapper();
  private static final Path RUNC = Path.of("/usr/sbin/runc");

  @TempDir
  Path dir;

  @BeforeEach
  void requireShim() {
    ShimUnderTest.JRUNC.requireBinary();
  }

  @Test
  void describesTheShimAndCarriesTheFeaturesOfTheHostsRunc() throws Exception {
    HostProcess result = info(new byte[0]);

    assertThat(result.code()).as(result.stderr()).isZero();
    RuntimeInfo info = RuntimeInfo.parseFrom(result.stdout());
    assertThat(info.getName()).isEqualTo("io.containerd.jrunc.v2");
    assertThat(info.getVersion().getVersion()).isNotEmpty().isNotEqualTo("unknown");
    assertThat(info.hasOptions()).isFalse();
    assertThat(info.getFeatures().getTypeUrl())
        .isEqualTo("types.containerd.io/opencontainers/runtime-spec/1/features/Features");
    assertThat(JSON.readTree(info.getFeatures().getValue().toByteArray())).isEqualTo(JSON.readTree(runcFeatures()));
  }

  @Test
  void theOptionsNameTheRuntimeAndComeBackAsGiven() throws Exception {
    Path quiet = dir.resolve("runc-without-features");
    Files.writeString(quiet, "#!/bin/sh\necho 'No help topic for features' >&2\nexit 3\n");
    quiet.toFile().setExecutable(true);
    var options = ContainerdAny.pack(Options.newBuilder().setBinaryName(quiet.toString()).build());

    HostProcess result = info(options.toByteArray());

    assertThat(result.code()).as(result.stderr()).isZero();
    RuntimeInfo info = RuntimeInfo.parseFrom(result.stdout());
    assertThat(info.getOptions()).isEqualTo(options);
    assertThat(info.getName()).isEqualTo("io.containerd.jrunc.v2");
    assertThat(info.hasFeatures()).isFalse();
  }

  private HostProcess info(byte[] stdin) throws Exception {
    Path input = dir.resolve("stdin");
    Files.write(input, stdin);
    List<String> command = List.of("/bin/sh", "-c", "exec \"$0\" -info < \"$1\"",
        ShimUnderTest.JRUNC.binary().toString(), input.toString());
    return HostProcess.run(command, dir, Map.of("PATH", RUNC.getParent() + ":/usr/bin:/bin"), Duration.ofSeconds(60));
  }

  private static byte[] runcFeatures() throws Exception {
    Process process = new ProcessBuilder(RUNC.toString(), "features").redirectErrorStream(true).start();
    byte[] out = process.getInputStream().readAllBytes();
    assertThat(process.waitFor()).as(new String(out)).isZero();
    return out;
  }
}
