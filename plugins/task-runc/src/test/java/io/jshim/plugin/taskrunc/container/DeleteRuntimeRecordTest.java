package io.jshim.plugin.taskrunc.container;

import static org.assertj.core.api.Assertions.assertThat;

import io.jshim.plugin.taskrunc.runc.RuncConfig;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class DeleteRuntimeRecordTest {
    @TempDir
    Path bundle;

    @Test
    void recordsBinaryRootAndSystemdFlagOneALineOwnerOnly() throws Exception {
        DeleteRuntimeRecord.write(bundle, new RuncConfig("/usr/sbin/runc", Path.of("/run/containerd/runc/ns"),
                bundle.resolve("log.json"), true, "/usr/sbin/criu"));

        Path record = bundle.resolve(DeleteRuntimeRecord.FILE_NAME);
        assertThat(Files.readString(record)).isEqualTo("jshim-runc 1\n/usr/sbin/runc\n/run/containerd/runc/ns\ntrue\n");
        assertThat(PosixFilePermissions.toString(Files.getPosixFilePermissions(record))).isEqualTo("rw-------");
        try (var files = Files.list(bundle)) {
            assertThat(files).containsExactly(record);
        }
    }

    @Test
    void aValueThatIsNotOneLineRemovesTheRecordSoTheJvmDeletes() throws Exception {
        DeleteRuntimeRecord.write(bundle, new RuncConfig("runc", Path.of("/run/r/ns"), bundle.resolve("log.json"),
                false, ""));
        assertThat(Files.readString(bundle.resolve(DeleteRuntimeRecord.FILE_NAME))).endsWith("\nrunc\n/run/r/ns\nfalse\n");

        DeleteRuntimeRecord.write(bundle, new RuncConfig("run\nc", Path.of("/run/r/ns"), bundle.resolve("log.json"),
                false, ""));

        try (var files = Files.list(bundle)) {
            assertThat(files).isEmpty();
        }
    }
}
