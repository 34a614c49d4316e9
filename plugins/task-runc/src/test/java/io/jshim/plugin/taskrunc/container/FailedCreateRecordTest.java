package io.jshim.plugin.taskrunc.container;

import io.jshim.api.task.v2.DeleteResponse;
import io.jshim.framework.DeleteRecord;
import io.jshim.plugin.taskrunc.runc.CommandRunner;
import io.jshim.plugin.taskrunc.runc.Runc;
import io.jshim.plugin.taskrunc.runc.RuncConfig;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Clock;
import java.time.Instant;
import java.time.ZoneOffset;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The record of a failed Create: written (the Go shim's delete answer: init.pid or -1, 137, now) only when the
 * undo succeeded and the runtime has nothing of the container: no state dir, and {@code state} says it does not
 * exist. Fake runtimes are shell scripts answering {@code state}.
 */
class FailedCreateRecordTest {
    private static final Instant NOW = Instant.parse("2026-12-07T14:00:00.123456789Z");

    @TempDir
    Path dir;
    private Path bundle;
    private Path root;
    private final FailedCreateRecord record = new FailedCreateRecord(Clock.fixed(NOW, ZoneOffset.UTC));

    @BeforeEach
    void dirs() throws IOException {
        bundle = Files.createDirectories(dir.resolve("bundle"));
        root = Files.createDirectories(dir.resolve("root"));
    }

    @Test
    void aContainerTheRuntimeDoesNotKnowIsRecordedAsGoAnswersWithoutAPidFile() throws Exception {
        Runc runc = runtime("echo 'container does not exist' >&2; exit 1");

        assertThat(record.writeIfNothingLeft("c1", bundle, runc, true)).isTrue();

        DeleteResponse answer = DeleteResponse.parseFrom(DeleteRecord.read(bundle).orElseThrow());
        assertThat(Integer.toUnsignedLong(answer.getPid())).isEqualTo(4294967295L);
        assertThat(answer.getExitStatus()).isEqualTo(137);
        assertThat(answer.getExitedAt().getSeconds()).isEqualTo(NOW.getEpochSecond());
        assertThat(answer.getExitedAt().getNanos()).isEqualTo(NOW.getNano());
    }

    @Test
    void thePidOfInitPidIsRecordedWhenThereIsOne() throws Exception {
        Files.writeString(bundle.resolve("init.pid"), "4242");
        Runc runc = runtime("echo 'container does not exist' >&2; exit 1");

        assertThat(record.writeIfNothingLeft("c1", bundle, runc, true)).isTrue();

        assertThat(DeleteResponse.parseFrom(DeleteRecord.read(bundle).orElseThrow()).getPid()).isEqualTo(4242);
    }

    @Test
    void nothingIsRecordedWhileAnythingMayRemain() throws Exception {
        Runc gone = runtime("echo 'container does not exist' >&2; exit 1");
        Runc known = runtime("echo '{\"id\":\"c1\",\"pid\":0,\"status\":\"stopped\"}'");
        Runc broken = runtime("echo 'permission denied' >&2; exit 1");

        assertThat(record.writeIfNothingLeft("c1", bundle, gone, false)).as("undo failed").isFalse();
        assertThat(record.writeIfNothingLeft("c1", bundle, known, true)).as("runtime knows it").isFalse();
        assertThat(record.writeIfNothingLeft("c1", bundle, broken, true)).as("runtime state unknown").isFalse();
        Files.createDirectories(root.resolve("c1"));
        assertThat(record.writeIfNothingLeft("c1", bundle, gone, true)).as("state dir left").isFalse();

        assertThat(DeleteRecord.read(bundle)).isEmpty();
        assertThat(bundle.resolve(DeleteRecord.FILE_NAME)).doesNotExist();
    }

    private Runc runtime(String stateAnswer) throws IOException {
        Path script = dir.resolve("runc-" + Integer.toHexString(stateAnswer.hashCode()));
        Files.writeString(script, "#!/bin/sh\nfor a; do [ \"$a\" = state ] && { " + stateAnswer + "; }; done\n"
                + "exit 0\n");
        Files.setPosixFilePermissions(script, PosixFilePermissions.fromString("rwx------"));
        CommandRunner runner = command -> {
            Process p = new ProcessBuilder(command.argv()).redirectErrorStream(true).start();
            p.getOutputStream().close();
            String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
            return new CommandRunner.Result(p.waitFor(), (int) p.pid(), out);
        };
        return new Runc(new RuncConfig(script.toString(), root, bundle.resolve("log.json"), false, ""), runner);
    }
}
