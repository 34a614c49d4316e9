package io.jshim.example.notes;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.jshim.example.notes.v1.DeleteNoteRequest;
import io.jshim.example.notes.v1.GetNoteRequest;
import io.jshim.example.notes.v1.GetStatsRequest;
import io.jshim.example.notes.v1.ListNotesRequest;
import io.jshim.example.notes.v1.MethodStats;
import io.jshim.example.notes.v1.Note;
import io.jshim.example.notes.v1.NotesTtrpc;
import io.jshim.example.notes.v1.NotesTtrpc.NotesBlockingStub;
import io.jshim.example.notes.v1.SetNoteRequest;
import io.jshim.framework.ConfigurationException;
import io.jshim.framework.plugin.PluginType;
import io.jshim.framework.plugin.ShutdownService;
import io.jshim.testkit.HoconConfig;
import io.jshim.testkit.TestShim;
import io.jshim.ttrpc.Status;
import io.jshim.ttrpc.TtrpcException;
import java.nio.file.Path;
import java.time.Duration;
import org.assertj.core.api.ThrowableAssert.ThrowingCallable;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/** The notes plugin in a shim run by the jshim test kit: no root, no containerd. */
@Timeout(30)
class NotesPluginTest {
    private static final String URI = "io.containerd.ttrpc.v1.notes";

    private static SetNoteRequest set(String container, String key, String value) {
        return SetNoteRequest.newBuilder().setContainerId(container).setKey(key).setValue(value).build();
    }

    private static GetNoteRequest get(String container, String key) {
        return GetNoteRequest.newBuilder().setContainerId(container).setKey(key).build();
    }

    private static void assertStatus(ThrowingCallable call, Status.Code code, String description) {
        assertThatThrownBy(call).isInstanceOfSatisfying(TtrpcException.class, e -> {
            assertThat(e.status().code()).isEqualTo(code);
            assertThat(e.status().description()).contains(description);
        });
    }

    @Test
    void setsGetsListsAndDeletesNotesKeptAsFilesInTheStateDir() {
        try (TestShim shim = TestShim.start()) {
            NotesBlockingStub notes = shim.stub(NotesTtrpc::newBlockingStub);

            assertThat(notes.setNote(set("web-1", "owner", "team-a")).getReplaced()).isFalse();
            assertThat(notes.setNote(set("web-1", "owner", "team-b")).getReplaced()).isTrue();
            notes.setNote(set("web-1", "build", "42"));
            notes.setNote(set("db-1", "owner", "team-c"));

            assertThat(notes.getNote(get("web-1", "owner")).getNote())
                    .isEqualTo(Note.newBuilder().setContainerId("web-1").setKey("owner").setValue("team-b").build());
            assertThat(notes.listNotes(ListNotesRequest.newBuilder().setContainerId("web-1").build()).getNotesList())
                    .extracting(Note::getKey, Note::getValue)
                    .containsExactly(org.assertj.core.groups.Tuple.tuple("build", "42"), org.assertj.core.groups.Tuple.tuple("owner", "team-b"));
            Path stateDir = shim.stateDir(PluginType.TTRPC, "notes");
            assertThat(stateDir.resolve("web-1").resolve("owner")).hasContent("team-b");

            notes.deleteNote(DeleteNoteRequest.newBuilder().setContainerId("web-1").setKey("owner").build());
            assertThat(stateDir.resolve("web-1").resolve("owner")).doesNotExist();
            assertStatus(() -> notes.getNote(get("web-1", "owner")), Status.Code.NOT_FOUND, "note owner of container web-1 not found");
            assertStatus(() -> notes.deleteNote(DeleteNoteRequest.newBuilder().setContainerId("web-1").setKey("owner").build()),
                    Status.Code.NOT_FOUND, "owner");
            assertThat(notes.listNotes(ListNotesRequest.newBuilder().setContainerId("nobody").build()).getNotesList()).isEmpty();
        }
    }

    @Test
    void rejectsIdsThatCouldLeaveTheStateDir() {
        try (TestShim shim = TestShim.start()) {
            NotesBlockingStub notes = shim.stub(NotesTtrpc::newBlockingStub);
            assertStatus(() -> notes.setNote(set("..", "k", "v")), Status.Code.INVALID_ARGUMENT, "invalid container id \"..\"");
            assertStatus(() -> notes.setNote(set("c", "../../etc", "v")), Status.Code.INVALID_ARGUMENT, "invalid note key");
            assertStatus(() -> notes.getNote(get("", "k")), Status.Code.INVALID_ARGUMENT, "invalid container id");
            assertThat(shim.bundle().resolve("k")).doesNotExist();
        }
    }

    @Test
    void enforcesItsHoconLimits() {
        HoconConfig config = HoconConfig.create()
                .plugin(PluginType.TTRPC, "notes", "max-notes", 2)
                .plugin(PluginType.TTRPC, "notes", "max-note-bytes", 8);
        try (TestShim shim = TestShim.builder().config(config).start()) {
            NotesBlockingStub notes = shim.stub(NotesTtrpc::newBlockingStub);
            notes.setNote(set("c1", "a", "12345678"));
            notes.setNote(set("c1", "b", "x"));
            assertStatus(() -> notes.setNote(set("c1", "c", "x")), Status.Code.RESOURCE_EXHAUSTED, "max-notes 2");
            assertStatus(() -> notes.setNote(set("c1", "a", "123456789")), Status.Code.RESOURCE_EXHAUSTED, "9 bytes exceed max-note-bytes 8");
            notes.setNote(set("c1", "b", "replaced"));
            notes.setNote(set("c2", "a", "other"));
        }
    }

    @Test
    void anInvalidSettingStopsTheShimNamingTheKey() {
        HoconConfig config = HoconConfig.create().plugin(PluginType.TTRPC, "notes", "max-notes", 0);
        assertThatThrownBy(() -> TestShim.builder().config(config).start())
                .isInstanceOf(ConfigurationException.class)
                .hasMessageContaining("plugins.\"io.containerd.ttrpc.v1\".notes")
                .hasMessageContaining("max-notes must be at least 1, got 0");
    }

    @Test
    void itsInterceptorMeasuresEveryCall() {
        try (TestShim shim = TestShim.start()) {
            NotesBlockingStub notes = shim.stub(NotesTtrpc::newBlockingStub);
            notes.setNote(set("c1", "a", "1"));
            notes.setNote(set("c1", "a", "2"));
            assertStatus(() -> notes.getNote(get("c1", "missing")), Status.Code.NOT_FOUND, "missing");

            var stats = notes.getStats(GetStatsRequest.getDefaultInstance()).getMethodsList();

            assertThat(stats).extracting(MethodStats::getMethod)
                    .containsExactly("jshim.example.notes.v1.Notes/GetNote", "jshim.example.notes.v1.Notes/SetNote");
            assertThat(stats.get(0).getCalls()).isEqualTo(1);
            assertThat(stats.get(0).getErrors()).isEqualTo(1);
            assertThat(stats.get(1).getCalls()).isEqualTo(2);
            assertThat(stats.get(1).getErrors()).isZero();
            assertThat(stats.get(1).getMaxMicros()).isPositive().isLessThanOrEqualTo(stats.get(1).getTotalMicros());
        }
    }

    @Test
    void refusesWritesOnceTheInjectedShutdownServiceTriggersAndWritesItsMetrics() throws Exception {
        try (TestShim shim = TestShim.start()) {
            NotesBlockingStub notes = shim.stub(NotesTtrpc::newBlockingStub);
            notes.setNote(set("c1", "a", "1"));
            ShutdownService shutdown = shim.exposed(ShutdownService.class);

            shutdown.shutdown();
            assertThat(shutdown.awaitDone(Duration.ofSeconds(5))).isTrue();

            assertStatus(() -> notes.setNote(set("c1", "b", "2")), Status.Code.UNAVAILABLE, "the shim is shutting down");
            assertThat(notes.getNote(get("c1", "a")).getNote().getValue()).isEqualTo("1");
            assertThat(shim.stateDir(PluginType.TTRPC, "notes").resolve(MetricsReport.FILE))
                    .content().contains("method=jshim.example.notes.v1.Notes/SetNote calls=1 errors=0");
        }
    }

    @Test
    void disabledInHoconItsServiceIsUnimplemented() {
        HoconConfig config = HoconConfig.create().disable(PluginType.TTRPC, "notes");
        try (TestShim shim = TestShim.builder().config(config).start()) {
            assertThat(shim.startedPlugins()).doesNotContain(URI);
            assertStatus(() -> shim.stub(NotesTtrpc::newBlockingStub).setNote(set("c1", "a", "1")),
                    Status.Code.UNIMPLEMENTED, "jshim.example.notes.v1.Notes");
            assertThat(shim.stateDir(PluginType.TTRPC, "notes")).doesNotExist();
        }
    }
}
