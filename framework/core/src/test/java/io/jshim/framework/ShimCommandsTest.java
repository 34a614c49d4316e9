package io.jshim.framework;

import static org.assertj.core.api.Assertions.assertThat;

import com.google.protobuf.Any;
import com.google.protobuf.StringValue;
import io.jshim.api.task.v2.DeleteResponse;
import io.jshim.api.types.RuntimeInfo;
import java.net.StandardProtocolFamily;
import java.net.UnixDomainSocketAddress;
import java.nio.channels.ServerSocketChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * The one-shot commands of the shim binary in real processes: {@code -info}, {@code -print-config}, and bad input
 * (unknown flag, missing required flag, invalid HOCON), which must fail with one clear line and leave nothing
 * behind: no socket, no files or plugin state dirs in the bundle.
 */
@Timeout(120)
class ShimCommandsTest {
    private static final byte[] NO_INPUT = new byte[0];

    @TempDir
    Path dir;

    private Path bundle() throws Exception {
        return Files.createDirectories(dir.resolve("bundle-" + UUID.randomUUID()));
    }

    private String address() {
        return dir.resolve("containerd-" + UUID.randomUUID() + ".sock").toString();
    }

    private static void assertEmpty(Path bundle) throws Exception {
        try (Stream<Path> entries = Files.list(bundle)) {
            assertThat(entries).as("left in the bundle").isEmpty();
        }
    }

    @Test
    void infoReadsOptionsFromStdinAndPrintsRuntimeInfoProtobuf() throws Exception {
        Any options = Any.pack(StringValue.of("binary_name=/usr/local/bin/myrunc"));
        ToyShimRunner.Result result = ToyShimRunner.run(bundle(), Map.of(), options.toByteArray(), "-info");

        assertThat(result.code()).as(result.stderr()).isZero();
        RuntimeInfo info = RuntimeInfo.parseFrom(result.stdout());
        assertThat(info.getName()).isEqualTo("io.containerd.toy.v2");
        assertThat(info.getVersion().getVersion()).isEqualTo("9.9.9");
        assertThat(info.getVersion().getRevision()).isEqualTo("toyrev");
        assertThat(info.getOptions()).isEqualTo(options);
        assertThat(info.getAnnotationsMap()).containsEntry("io.jshim.toy", "true");

        ToyShimRunner.Result empty = ToyShimRunner.run(bundle(), Map.of(), NO_INPUT, "-info");
        assertThat(empty.code()).as(empty.stderr()).isZero();
        assertThat(RuntimeInfo.parseFrom(empty.stdout()).hasOptions()).isFalse();
    }

    @Test
    void printConfigShowsEffectiveConfigurationAndPluginGraph() throws Exception {
        Path config = Files.writeString(dir.resolve("operator.conf"), String.join("\n",
                "jshim.shutdown-timeout = 7s",
                "plugins.\"io.containerd.ttrpc.v1\".echo.enabled = false",
                ""));
        Path bundle = bundle();
        ToyShimRunner.Result result = ToyShimRunner.run(bundle, Map.of("JSHIM_CONFIG", config.toString()), NO_INPUT,
                "-print-config");

        assertThat(result.code()).as(result.stderr()).isZero();
        String out = result.out();
        assertThat(out).startsWith("# configuration file: " + config);
        assertThat(out).containsPattern("\"?shutdown-timeout\"?\\s*[=:]\\s*\"?7s\"?");
        assertThat(out).containsPattern("\"?start-timeout\"?\\s*[=:]\\s*\"?10s\"?");
        List<String> graph = out.lines().dropWhile(line -> !line.startsWith("# plugins in start order")).skip(1).toList();
        assertThat(graph).anySatisfy(line -> assertThat(line).contains("io.containerd.ttrpc.v1.echo disabled"));
        List<String> started = graph.stream().filter(line -> line.matches("\\s*\\d+\\. .*")).toList();
        assertThat(started).hasSize(3);
        assertThat(started.get(0)).contains("io.containerd.event.v1.publisher");
        assertThat(started.get(1)).contains("io.containerd.internal.v1.shutdown");
        assertThat(started.get(2)).contains("io.containerd.ttrpc.v1.task")
                .contains("requires=[io.containerd.event.v1, io.containerd.internal.v1]");
        assertEmpty(bundle);
    }

    @Test
    void unknownFlagFailsWithOneLineAndUsageAndLeavesNothing() throws Exception {
        Path bundle = bundle();
        String address = address();
        ToyShimRunner.Result result = ToyShimRunner.run(bundle, Map.of(), NO_INPUT,
                "-namespace", "ns", "-address", address, "-id", "t1", "-bogus", "start");

        assertThat(result.code()).isEqualTo(1);
        assertThat(result.stderr().lines().findFirst()).contains("io.containerd.toy.v2: flag provided but not defined: -bogus");
        assertThat(result.stderr()).contains("Usage of containerd-shim-toy-v2:");
        assertThat(result.stdout()).isEmpty();
        assertThat(SocketAddress.path(address, "ns", "t1")).doesNotExist();
        assertEmpty(bundle);
    }

    @Test
    void missingRequiredFlagNamesItAndLeavesNothing() throws Exception {
        String address = address();
        Map<String, List<String>> cases = Map.of(
                "-namespace", List.of("-address", address, "-id", "t2", "start"),
                "-id", List.of("-namespace", "ns", "-address", address, "start"),
                "-address", List.of("-namespace", "ns", "-id", "t2", "start"));
        for (var entry : cases.entrySet()) {
            Path bundle = bundle();
            ToyShimRunner.Result result = ToyShimRunner.run(bundle, Map.of(), NO_INPUT, entry.getValue().toArray(String[]::new));
            assertThat(result.code()).as(entry.getKey()).isEqualTo(1);
            assertThat(result.stderr().lines().findFirst()).as(entry.getKey()).hasValueSatisfying(line -> assertThat(line)
                    .startsWith("io.containerd.toy.v2: missing flag " + entry.getKey()));
            assertThat(result.stdout()).isEmpty();
            assertEmpty(bundle);
        }
        assertThat(SocketAddress.path(address, "ns", "t2")).doesNotExist();
    }

    @Test
    void invalidHoconNamesFileLineAndKeyAndLeavesNothing() throws Exception {
        Path syntax = Files.writeString(dir.resolve("syntax.conf"), "jshim {\n  shutdown-timeout = 5s\n  start-timeout = {\n");
        Path typo = Files.writeString(dir.resolve("typo.conf"), "jshim {\n  shutdown-timeout = 5s\n  start-timout = 3s\n}\n");
        Path badValue = Files.writeString(dir.resolve("value.conf"), "\n\njshim.start-timeout = soon\n");
        for (Path config : List.of(syntax, typo, badValue)) {
            Path bundle = bundle();
            String address = address();
            ToyShimRunner.Result result = ToyShimRunner.run(bundle, Map.of("JSHIM_CONFIG", config.toString()), NO_INPUT,
                    "-namespace", "ns", "-address", address, "-id", "t3", "start");
            assertThat(result.code()).as(config.toString()).isEqualTo(1);
            assertThat(result.stderr()).as(config.toString()).startsWith("io.containerd.toy.v2: ").contains(config.toString());
            assertThat(result.stdout()).isEmpty();
            assertThat(SocketAddress.path(address, "ns", "t3")).doesNotExist();
            assertEmpty(bundle);
        }
        assertThat(ToyShimRunner.run(bundle(), Map.of("JSHIM_CONFIG", typo.toString()), NO_INPUT,
                "-namespace", "ns", "-address", address(), "-id", "t3", "start").stderr())
                .contains(typo + ":3").contains("start-timout").contains("start-timeout");
        assertThat(ToyShimRunner.run(bundle(), Map.of("JSHIM_CONFIG", badValue.toString()), NO_INPUT,
                "-namespace", "ns", "-address", address(), "-id", "t3", "start").stderr())
                .contains(badValue + ":3").contains("start-timeout");

        // the daemon itself refuses the file before serving or starting any plugin
        Path bundle = bundle();
        Path socket = dir.resolve("daemon-" + UUID.randomUUID() + ".sock");
        ToyShimRunner.Result daemon = ToyShimRunner.run(bundle, Map.of("JSHIM_CONFIG", typo.toString()), NO_INPUT,
                "-namespace", "ns", "-id", "t4", "-socket", socket.toString());
        assertThat(daemon.code()).isEqualTo(1);
        assertThat(daemon.stderr()).contains(typo + ":3").contains("start-timout");
        assertThat(socket).doesNotExist();
        assertEmpty(bundle);
    }

    private static void leaveSocketFile(Path path) throws Exception {
        Files.createDirectories(path.getParent());
        try (ServerSocketChannel channel = ServerSocketChannel.open(StandardProtocolFamily.UNIX)) {
            channel.bind(UnixDomainSocketAddress.of(path));
        }
        assertThat(path).exists();
    }

    @Test
    void deleteRemovesTheDebugSocketsLikeGosCleanupSockets() throws Exception {
        String address = address();
        Path task = SocketAddress.path(address, "ns", "t5");
        Path debug = task.resolveSibling(task.getFileName() + ".debug");
        Path explicit = dir.resolve("explicit-debug.sock");
        leaveSocketFile(debug);
        leaveSocketFile(explicit);
        try {
            ToyShimRunner.Result result = ToyShimRunner.run(bundle(), Map.of(), NO_INPUT, "-namespace", "ns",
                    "-address", address, "-publish-binary", "/usr/bin/containerd", "-id", "t5",
                    "-debug-socket", explicit.toString(), "delete");

            assertThat(result.code()).as(result.stderr()).isZero();
            assertThat(DeleteResponse.parseFrom(result.stdout()).getExitStatus()).isEqualTo(137);
            assertThat(debug).doesNotExist();
            assertThat(explicit).doesNotExist();
        } finally {
            Files.deleteIfExists(debug);
        }
    }

    @Test
    void deleteAnswersFromTheDaemonsDeleteRecordWithoutCleaningUpAgain() throws Exception {
        Path bundle = bundle();
        java.time.Instant exited = java.time.Instant.parse("2026-01-02T03:04:05.000000006Z");
        DeleteRecord.write(bundle, new ShimManager.StopStatus(4242, 3, exited));
        assertThat(bundle.resolve(DeleteRecord.FILE_NAME)).isNotEmptyFile();
        assertThat(bundle.resolve("." + DeleteRecord.FILE_NAME)).doesNotExist();

        ToyShimRunner.Result result = ToyShimRunner.run(bundle, Map.of(), NO_INPUT, "-namespace", "ns",
                "-address", address(), "-id", "t6", "delete");

        assertThat(result.code()).as(result.stderr()).isZero();
        DeleteResponse response = DeleteResponse.parseFrom(result.stdout());
        assertThat(response.getPid()).as("the record's, not the manager's forced-delete answer").isEqualTo(4242);
        assertThat(response.getExitStatus()).isEqualTo(3);
        assertThat(response.getExitedAt().getSeconds()).isEqualTo(exited.getEpochSecond());
        assertThat(response.getExitedAt().getNanos()).isEqualTo(6);
    }
}
