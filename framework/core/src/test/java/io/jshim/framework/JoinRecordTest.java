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

    @Test
    void publishesPidStartTimeGroupingVersionFingerprintAndAddressOwnerOnlyThenRemoves() throws Exception {
        Path records = dir.resolve("jshim/groups");
        Path socket = dir.resolve("s/0123abcd");

        JoinRecord record = JoinRecord.publish(records, socket, NAMESPACE, Map.of(JoinRecord.FINGERPRINT_ENV, FINGERPRINT))
                .orElseThrow();

        assertThat(record.file()).isEqualTo(records.resolve("0123abcd"));
        long pid = ProcessHandle.current().pid();
        assertThat(Files.readAllLines(record.file())).containsExactly("jshim-daemon 1", Long.toString(pid),
                JoinRecord.startTime(Path.of("/proc/self/stat")), "namespace", "3", FINGERPRINT, "unix://" + socket);
        assertThat(PosixFilePermissions.toString(Files.getPosixFilePermissions(record.file()))).isEqualTo("rw-------");
        assertThat(PosixFilePermissions.toString(Files.getPosixFilePermissions(records))).isEqualTo("rwx------");
        try (var files = Files.list(records)) {
            assertThat(files).containsExactly(record.file());
        }

        record.remove();

        assertThat(record.file()).doesNotExist();
    }

    @Test
    void withoutAHexFingerprintFromTheLauncherNothingIsPublished() throws Exception {
        for (Map<String, String> env : List.of(Map.<String, String>of(), Map.of(JoinRecord.FINGERPRINT_ENV, "x\nnone"),
                Map.of(JoinRecord.FINGERPRINT_ENV, "ab".repeat(32)))) {
            assertThat(JoinRecord.publish(dir.resolve("groups"), dir.resolve("s/abc"), NAMESPACE, env)).isEmpty();
        }
        assertThat(dir.resolve("groups")).doesNotExist();
    }

    @Test
    void startTimeIsField22EvenWhenTheCommandHasSpacesAndParentheses() throws Exception {
        Path stat = dir.resolve("stat");
        Files.writeString(stat, "4242 (a b) c) S 1 4242 4242 0 -1 4194560 100 0 0 0 5 6 0 0 20 0 3 0 987654 1000 200\n");

        assertThat(JoinRecord.startTime(stat)).isEqualTo("987654");
    }
}
