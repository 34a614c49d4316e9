package io.jshim.plugin.taskrunc.runc;

import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class RuncTest {
    @TempDir
    Path dir;
    Path argsFile;
    Path stdinFile;
    Path log;
    Runc runc;

    @BeforeEach
    void fakeRunc() throws IOException {
        argsFile = dir.resolve("args");
        stdinFile = dir.resolve("stdin");
        log = dir.resolve("log.json");
        Path script = dir.resolve("fake-runc");
        Files.writeString(script, """
                #!/bin/sh
                printf '%%s\\n' "$@" > %s
                cat > %s
                for a in "$@"; do
                  case "$a" in
                    ps) echo '[12,34]'; exit 0;;
                    state) echo '{"ociVersion":"1.0.2","id":"c1","pid":77,"status":"running"}'; exit 0;;
                    fail-me) echo '{"level":"error","msg":"exec: \\"/bin/true\\": stat /bin/true: no such file or directory","time":"t"}' >> %s
                             echo 'runc stderr' >&2; exit 1;;
                  esac
                done
                exit 0
                """.formatted(argsFile, stdinFile, log));
        Files.setPosixFilePermissions(script, PosixFilePermissions.fromString("rwxr-xr-x"));
        runc = new Runc(new RuncConfig(script.toString(), Path.of("/run/containerd/runc/ns1"), log, true, ""),
                new JdkCommandRunner());
    }

    private List<String> recordedArgs() throws IOException {
        return Files.readAllLines(argsFile);
    }

    @Test
    void createPassesGlobalFlagsBundlePidFileAndOptions() throws Exception {
        runc.create("c1", Path.of("/b"), Path.of("/b/init.pid"), Path.of("/tmp/console.sock"), true, true, null);
        assertThat(recordedArgs()).containsExactly("--root", "/run/containerd/runc/ns1", "--log", log.toString(),
                "--log-format", "json", "--systemd-cgroup", "create", "--bundle", "/b", "--pid-file", "/b/init.pid",
                "--console-socket", "/tmp/console.sock", "--no-pivot", "--no-new-keyring", "c1");
    }

    @Test
    void execWritesProcessJsonAndDetaches() throws Exception {
        Path processFile = dir.resolve("process.json");
        runc.exec("c1", "{\"args\":[\"ls\"]}".getBytes(), processFile, Path.of("/b/e1.pid"), null, null);
        assertThat(recordedArgs()).endsWith("exec", "--process", processFile.toString(), "--detach", "--pid-file",
                "/b/e1.pid", "c1");
        assertThat(processFile).doesNotExist();
    }

    @Test
    void killDeletePauseResumeCommandLines() throws Exception {
        runc.kill("c1", 9, true);
        assertThat(recordedArgs()).endsWith("kill", "--all", "c1", "9");
        runc.kill("c1", 15, false);
        assertThat(recordedArgs()).endsWith("--systemd-cgroup", "kill", "c1", "15");
        runc.delete("c1", true);
        assertThat(recordedArgs()).endsWith("delete", "--force", "c1");
        runc.pause("c1");
        assertThat(recordedArgs()).endsWith("pause", "c1");
        runc.resume("c1");
        assertThat(recordedArgs()).endsWith("resume", "c1");
    }

    @Test
    void updateSendsResourcesOnStdin() throws Exception {
        runc.update("c1", "{\"cpu\":{\"shares\":512}}".getBytes());
        assertThat(recordedArgs()).endsWith("update", "--resources", "-", "c1");
        assertThat(Files.readString(stdinFile)).isEqualTo("{\"cpu\":{\"shares\":512}}");
    }

    @Test
    void psAndStateParseJson() throws Exception {
        assertThat(runc.ps("c1")).containsExactly(12, 34);
        assertThat(recordedArgs()).endsWith("ps", "--format", "json", "c1");
        assertThat(runc.state("c1")).isEqualTo(new RuncState("running", 77));
    }

    @Test
    void checkpointAndRestoreCarryCriuOptions() throws Exception {
        CheckpointOptions opts = new CheckpointOptions(Path.of("/img"), Path.of("/work"), false, true, true, true,
                true, List.of("network"));
        runc.checkpoint("c1", opts);
        assertThat(recordedArgs()).endsWith("checkpoint", "--image-path", "/img", "--work-path", "/work",
                "--tcp-established", "--ext-unix-sk", "--shell-job", "--file-locks", "--empty-ns", "network",
                "--leave-running", "c1");
        runc.restore("c1", Path.of("/b"), Path.of("/b/init.pid"), null, false,
                new CheckpointOptions(Path.of("/img"), null, true, false, false, false, false, null), null);
        assertThat(recordedArgs()).endsWith("restore", "--detach", "--pid-file", "/b/init.pid", "--bundle", "/b",
                "--image-path", "/img", "c1");
    }

    @Test
    void failureCarriesOutputAndLastLoggedError() {
        assertThatThrownBy(() -> runc.start("fail-me"))
                .isInstanceOf(RuncException.class)
                .hasMessageContaining("exit status 1")
                .hasMessageContaining("runc stderr");
        assertThat(runc.lastError()).isEqualTo("exec: \"/bin/true\": stat /bin/true: no such file or directory");
    }

    @Test
    void lastErrorIsEmptyWithoutLog() {
        assertThat(runc.lastError()).isEmpty();
    }

    @Test
    void missingBinaryIsAReadableError() {
        Runc missing = new Runc(new RuncConfig("/nonexistent/runc", Path.of("/r"), log, false, ""),
                new JdkCommandRunner());
        assertThatThrownBy(() -> missing.start("c1")).isInstanceOf(RuncException.class)
                .hasMessageContaining("failed to run /nonexistent/runc");
    }
}
