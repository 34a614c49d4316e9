package io.jshim.plugin.taskrunc.manager;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.google.protobuf.Any;
import io.jshim.api.ContainerdAny;
import io.jshim.api.runc.v1.Options;
import io.jshim.api.types.RuntimeInfo;
import io.jshim.framework.ShimException;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.concurrent.TimeUnit;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/**
 * The {@code -info} action's {@code RuntimeInfo}: name, version, the options read from stdin, and the runtime
 * binary's {@code features} JSON typed as containerd reads it; runtimes without a working {@code features} command
 * (failing, garbage, not a JSON object) give the rest. Fake runtimes are shell scripts.
 */
@Timeout(value = 60, unit = TimeUnit.SECONDS)
class RuncShimManagerInfoTest {
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final String FEATURES = """
            {
                "ociVersionMin": "1.0.0",
                "ociVersionMax": "1.0.2-dev",
                "hooks": ["prestart", "poststop"],
                "linux": {"namespaces": ["pid", "mount"], "mountExtensions": {"idmap": {"enabled": true}}}
            }
            """;

    @TempDir
    Path dir;

    @Test
    void withoutOptionsDescribesTheDefaultRuntimeAndCarriesItsFeaturesAsJson() throws Exception {
        Path runc = fakeRuntime("runc", "[ \"$1\" = features ] || exit 9\ncat <<'EOF'\n" + FEATURES + "EOF\n");

        RuntimeInfo info = manager(runc).info(stdin(new byte[0]));

        assertThat(info.getName()).isEqualTo("io.containerd.jrunc.v2");
        assertThat(info.getVersion().getVersion()).isNotEmpty();
        assertThat(info.getVersion().getRevision()).matches("[0-9a-f]{12}|unknown");
        assertThat(info.hasOptions()).isFalse();
        assertThat(info.getAnnotationsMap()).isEmpty();
        assertThat(info.getFeatures().getTypeUrl())
                .isEqualTo("types.containerd.io/opencontainers/runtime-spec/1/features/Features");
        assertThat(JSON.readTree(info.getFeatures().getValue().toByteArray())).isEqualTo(JSON.readTree(FEATURES));
        assertThat(info.getFeatures().getValue().toStringUtf8()).doesNotContain("\n");
    }

    @Test
    void theOptionsBinaryNameChoosesTheRuntimeAndTheOptionsComeBackAsGiven() throws Exception {
        Path defaultRuntime = fakeRuntime("runc", "exit 1\n");
        Path named = fakeRuntime("other-runc", "echo '{\"ociVersionMin\":\"1.0.0\",\"ociVersionMax\":\"1.1.0\"}'\n");
        Any options = ContainerdAny.pack(Options.newBuilder().setBinaryName(named.toString()).setRoot("/r").build());

        RuntimeInfo info = manager(defaultRuntime).info(stdin(options.toByteArray()));

        assertThat(info.getOptions()).isEqualTo(options);
        assertThat(JSON.readTree(info.getFeatures().getValue().toByteArray()).path("ociVersionMax").asText())
                .isEqualTo("1.1.0");
    }

    @Test
    void aRuntimeWhoseFeaturesFailsGivesTheRestWithoutFeatures() throws Exception {
        Path runc = fakeRuntime("runc", "echo 'flag provided but not defined: features' >&2\nexit 1\n");

        RuntimeInfo info = manager(runc).info(stdin(new byte[0]));

        assertThat(info.getName()).isEqualTo("io.containerd.jrunc.v2");
        assertThat(info.hasVersion()).isTrue();
        assertThat(info.hasFeatures()).isFalse();
    }

    @Test
    void garbageOrANonObjectFromFeaturesGivesNoFeatures() throws Exception {
        Path garbage = fakeRuntime("garbage", "echo 'NAME: runc features - this is not JSON {'\n");
        Path array = fakeRuntime("array", "echo '[1, 2]'\n");
        Path empty = fakeRuntime("empty", "exit 0\n");

        assertThat(manager(garbage).info(stdin(new byte[0])).hasFeatures()).isFalse();
        assertThat(manager(array).info(stdin(new byte[0])).hasFeatures()).isFalse();
        assertThat(manager(empty).info(stdin(new byte[0])).hasFeatures()).isFalse();
    }

    @Test
    void aRuntimeThatHangsIsKilledAndGivesNoFeatures() throws Exception {
        Path hangs = fakeRuntime("hangs", "exec sleep 600\n");

        RuntimeInfo info = new RuncShimManager(hangs.toString(), dir, dir, java.time.Duration.ofMillis(500))
                .info(stdin(new byte[0]));

        assertThat(info.hasFeatures()).isFalse();
        assertThat(info.getName()).isEqualTo("io.containerd.jrunc.v2");
    }

    @Test
    void aMissingRuntimeBinaryOrUnreadableOptionsAreErrorsNamingThem() {
        RuncShimManager missing = manager(dir.resolve("no-such-runc"));
        assertThatThrownBy(() -> missing.info(stdin(new byte[0])))
                .isInstanceOf(ShimException.class)
                .hasMessageContaining("failed to look up the path of \"" + dir.resolve("no-such-runc") + "\"");
        assertThatThrownBy(() -> RuncShimManager.lookPath("no-such-runc-" + ProcessHandle.current().pid(), "/bin"))
                .isInstanceOf(ShimException.class).hasMessageContaining("in $PATH");

        assertThatThrownBy(() -> missing.info(stdin(new byte[] {0x0a, 0x7f, 0x01})))
                .isInstanceOf(ShimException.class).hasMessageStartingWith("failed to read runtime options from stdin");
        Any unknown = Any.newBuilder().setTypeUrl("example.Unknown").build();
        assertThatThrownBy(() -> missing.info(stdin(unknown.toByteArray())))
                .isInstanceOf(ShimException.class).hasMessageContaining("example.Unknown");
    }

    @Test
    void aBareNameIsLookedUpOnThePath() throws Exception {
        Path runc = fakeRuntime("my-runc", "exit 0\n");

        assertThat(RuncShimManager.lookPath("my-runc", "/nonexistent:" + dir)).isEqualTo(runc);
    }

    private RuncShimManager manager(Path defaultRuntime) {
        return new RuncShimManager(defaultRuntime.toString(), dir, dir, java.time.Duration.ofSeconds(10));
    }

    private static InputStream stdin(byte[] data) {
        return new ByteArrayInputStream(data);
    }

    private Path fakeRuntime(String name, String body) throws IOException {
        Path script = dir.resolve(name);
        Files.writeString(script, "#!/bin/sh\n" + body);
        Files.setPosixFilePermissions(script, PosixFilePermissions.fromString("rwx------"));
        return script;
    }
}
