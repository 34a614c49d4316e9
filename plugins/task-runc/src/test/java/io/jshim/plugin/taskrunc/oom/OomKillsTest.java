package io.jshim.plugin.taskrunc.oom;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.OptionalLong;

import static org.assertj.core.api.Assertions.assertThat;

/** The {@code oom_kill} counter in the cgroup v1 and v2 file formats. */
class OomKillsTest {
    @TempDir
    Path dir;

    @Test
    void v1OomControlOfKernel413AndLaterHasTheCounterAfterOomKillDisable() {
        assertThat(OomKills.parse(List.of("oom_kill_disable 1", "under_oom 0", "oom_kill 3")))
                .isEqualTo(OptionalLong.of(3));
    }

    @Test
    void v1OomControlBeforeKernel413HasNoCounter() {
        assertThat(OomKills.parse(List.of("oom_kill_disable 0", "under_oom 1"))).isEmpty();
    }

    @Test
    void v2MemoryEvents() {
        assertThat(OomKills.parse(List.of("low 0", "high 12", "max 40", "oom 2", "oom_kill 2", "oom_group_kill 0")))
                .isEqualTo(OptionalLong.of(2));
    }

    @Test
    void aDisabledOomKillerIsSeenOnlyInItsOwnLine() {
        assertThat(OomKills.killerDisabled(List.of("oom_kill_disable 1", "under_oom 1", "oom_kill 0"))).isTrue();
        assertThat(OomKills.killerDisabled(List.of("oom_kill_disable 0", "under_oom 0", "oom_kill 1"))).isFalse();
        assertThat(OomKills.killerDisabled(List.of())).isFalse();
    }

    @Test
    void aMalformedCounterReadsAsNone() {
        assertThat(OomKills.parse(List.of("oom_kill x"))).isEmpty();
        assertThat(OomKills.parse(List.of("oom_kill"))).isEmpty();
        assertThat(OomKills.parse(List.of("oom_kill -1"))).isEmpty();
    }

    @Test
    void v1AddsUpTheKillsOfTheCgroupsBelowWhereV1CountsThem() throws Exception {
        Path memory = Files.createDirectories(dir.resolve("memory/ns/c1"));
        Files.writeString(memory.resolve("memory.oom_control"), "oom_kill_disable 0\nunder_oom 0\noom_kill 1\n");
        Path nested = Files.createDirectories(memory.resolve("init.scope/deeper"));
        Files.writeString(memory.resolve("init.scope/memory.oom_control"), "oom_kill_disable 0\nunder_oom 0\noom_kill 2\n");
        Files.writeString(nested.resolve("memory.oom_control"), "oom_kill_disable 0\nunder_oom 0\noom_kill 3\n");
        Files.writeString(dir.resolve("memory/ns/memory.oom_control"), "oom_kill_disable 0\nunder_oom 0\noom_kill 40\n");

        assertThat(OomKills.readV1(memory)).as("the cgroup and below, not above").isEqualTo(OptionalLong.of(6));
    }

    @Test
    void v1ReadsALeafCgroupAloneAndWalksOneWithCgroupsBelow() throws Exception {
        Path memory = Files.createDirectories(dir.resolve("c1"));
        Files.writeString(memory.resolve("memory.oom_control"), "oom_kill_disable 0\nunder_oom 0\noom_kill 1\n");
        assertThat(OomKills.mayHaveSubdirectories(memory)).as("no directory below").isFalse();
        assertThat(OomKills.readV1(memory)).isEqualTo(OptionalLong.of(1));

        Path nested = Files.createDirectories(memory.resolve("nested"));
        Files.writeString(nested.resolve("memory.oom_control"), "oom_kill 2\n");
        assertThat(OomKills.mayHaveSubdirectories(memory)).as("a directory below").isTrue();
        assertThat(OomKills.readV1(memory)).isEqualTo(OptionalLong.of(3));
    }

    @Test
    void v1WithoutItsOwnCounterHasNone() throws Exception {
        Path memory = Files.createDirectories(dir.resolve("c1/nested"));
        Files.writeString(dir.resolve("c1/memory.oom_control"), "oom_kill_disable 0\nunder_oom 0\n");
        Files.writeString(memory.resolve("memory.oom_control"), "oom_kill 2\n");

        assertThat(OomKills.readV1(dir.resolve("c1"))).isEmpty();
        assertThat(OomKills.readV1(dir.resolve("gone"))).isEmpty();
    }

    @Test
    void aFileReadsAndAMissingOneIsNone() throws Exception {
        Path events = Files.writeString(dir.resolve("memory.events"), "oom 1\noom_kill 1\n");
        assertThat(OomKills.read(events)).isEqualTo(OptionalLong.of(1));
        assertThat(OomKills.read(dir.resolve("gone"))).isEmpty();
    }
}
