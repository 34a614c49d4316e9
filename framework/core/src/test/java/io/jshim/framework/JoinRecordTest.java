package io.jshim.framework;

import static org.assertj.core.api.Assertions.assertThat;

import io.jshim.framework.config.FrameworkSettings;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class JoinRecordTest {
    private static final String FINGERPRINT = "3141592653-1234";
    private static final FrameworkSettings NAMESPACE = new FrameworkSettings(Duration.ofSeconds(5), "ffm", "", "info", 3,
            List.of(), Duration.ofSeconds(10), "namespace", List.of());

    @TempDir
    Path dir;

    private static final String CONTAINERD = "/run/containerd/containerd.sock";
    private static final Path SOCKET = SocketAddress.path(CONTAINERD, "k8s.io", "jshim-namespace");

    @Test
    void publishesPidStartTimeGroupingVersionFingerprintAndAddressOwnerOnlyThenRemoves() throws Exception {
        Path records = dir.resolve("jshim/groups");

        JoinRecord record = JoinRecord.publish(records, SOCKET, NAMESPACE, Map.of(JoinRecord.FINGERPRINT_ENV, FINGERPRINT),
                CONTAINERD, "k8s.io", "jshim-namespace").orElseThrow();

        assertThat(record.file()).isEqualTo(records.resolve("k8s.io,jshim-namespace,,run,containerd,containerd.sock"));
        long pid = ProcessHandle.current().pid();
        assertThat(Files.readAllLines(record.file())).containsExactly("jshim-daemon 2", Long.toString(pid),
                JoinRecord.startTime(Path.of("/proc/self/stat")), "namespace", "3", FINGERPRINT, "unix://" + SOCKET);
        assertThat(PosixFilePermissions.toString(Files.getPosixFilePermissions(record.file()))).isEqualTo("rw-------");
        assertThat(PosixFilePermissions.toString(Files.getPosixFilePermissions(records))).isEqualTo("rwx------");
        try (var files = Files.list(records)) {
            assertThat(files).containsExactly(record.file());
        }

        record.remove();

        assertThat(record.file()).doesNotExist();
    }

    @Test
    void withoutAFingerprintFromTheLauncherNothingIsPublished() throws Exception {
        for (Map<String, String> env : List.of(Map.<String, String>of(), Map.of(JoinRecord.FINGERPRINT_ENV, "x\nnone"),
                Map.of(JoinRecord.FINGERPRINT_ENV, "ab".repeat(32)))) {
            assertThat(JoinRecord.publish(dir.resolve("groups"), SOCKET, NAMESPACE, env, CONTAINERD, "k8s.io",
                    "jshim-namespace")).isEmpty();
        }
        assertThat(dir.resolve("groups")).doesNotExist();
    }

    @Test
    void aGroupWhoseNameTheLauncherCouldNotBuildOrAnotherGroupsSocketIsNotPublished() throws Exception {
        Map<String, String> env = Map.of(JoinRecord.FINGERPRINT_ENV, FINGERPRINT);
        Path records = dir.resolve("groups");
        assertThat(JoinRecord.publish(records, SOCKET, NAMESPACE, env, CONTAINERD, "k8s.io", "other-group"))
                .as("a socket that is not the group's").isEmpty();
        for (List<String> parts : List.of(List.of(CONTAINERD, "k8s io", "g"), List.of(CONTAINERD, "ns", "a/b"),
                List.of(CONTAINERD, "ns", ".."), List.of(CONTAINERD, "ns", "g,h"), List.of("/run//containerd.sock", "ns", "g"),
                List.of("/run/./containerd.sock", "ns", "g"), List.of("/run/containerd/", "ns", "g"),
                List.of("/run/con tainerd.sock", "ns", "g"), List.of(CONTAINERD, "ns", "g".repeat(250)))) {
            Path socket = SocketAddress.path(parts.get(0), parts.get(1), parts.get(2));
            assertThat(JoinRecord.publish(records, socket, NAMESPACE, env, parts.get(0), parts.get(1), parts.get(2)))
                    .as("%s", parts).isEmpty();
        }
        assertThat(records).doesNotExist();
        assertThat(JoinRecord.name("containerd.sock", "default", "g1")).contains("default,g1,containerd.sock");
        assertThat(JoinRecord.name("/a/b.sock", "default", "g1")).contains("default,g1,,a,b.sock");
    }

    @Test
    void startTimeIsField22EvenWhenTheCommandHasSpacesAndParentheses() throws Exception {
        Path stat = dir.resolve("stat");
        Files.writeString(stat, "4242 (a b) c) S 1 4242 4242 0 -1 4194560 100 0 0 0 5 6 0 0 20 0 3 0 987654 1000 200\n");

        assertThat(JoinRecord.startTime(stat)).isEqualTo("987654");
    }
}
