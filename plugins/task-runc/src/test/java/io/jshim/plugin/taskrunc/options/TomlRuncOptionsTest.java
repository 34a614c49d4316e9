package io.jshim.plugin.taskrunc.options;

import io.jshim.plugin.taskrunc.error.TaskException;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class TomlRuncOptionsTest {
    @TempDir
    Path dir;

    private Path write(String toml) throws Exception {
        Path f = dir.resolve("runc.toml");
        Files.writeString(f, toml);
        return f;
    }

    @Test
    void readsGoStyleFieldNames() throws Exception {
        RuncOptions o = TomlRuncOptions.read(write("""
                BinaryName = "crun"
                Root = "/run/jrunc"
                SystemdCgroup = true
                NoPivotRoot = true
                IoUid = 1000
                """));
        assertThat(o).isEqualTo(new RuncOptions("crun", "/run/jrunc", "", true, true, false, "", 1000, 0, "", ""));
    }

    @Test
    void readsSnakeCaseNames() throws Exception {
        RuncOptions o = TomlRuncOptions.read(write("binary_name = \"runc\"\nno_new_keyring = true\n"
                + "criu_image_path = \"/img\"\n"));
        assertThat(o.binaryName()).isEqualTo("runc");
        assertThat(o.noNewKeyring()).isTrue();
        assertThat(o.criuImagePath()).isEqualTo("/img");
    }

    @Test
    void emptyFileMeansDefaults() throws Exception {
        assertThat(TomlRuncOptions.read(write(""))).isEqualTo(RuncOptions.NONE);
    }

    @Test
    void unknownKeysWrongTypesAndSyntaxErrorsAreInvalidArguments() throws Exception {
        assertThatThrownBy(() -> TomlRuncOptions.read(write("BinaryNam = \"runc\"")))
                .isInstanceOf(TaskException.InvalidArgument.class).hasMessageContaining("unknown key BinaryNam");
        assertThatThrownBy(() -> TomlRuncOptions.read(write("SystemdCgroup = \"yes\"")))
                .isInstanceOf(TaskException.InvalidArgument.class).hasMessageContaining("must be a boolean");
        assertThatThrownBy(() -> TomlRuncOptions.read(write("BinaryName = ")))
                .isInstanceOf(TaskException.InvalidArgument.class).hasMessageContaining("failed to parse");
        assertThatThrownBy(() -> TomlRuncOptions.read(dir.resolve("missing.toml")))
                .isInstanceOf(TaskException.InvalidArgument.class).hasMessageContaining("failed to read");
    }
}
