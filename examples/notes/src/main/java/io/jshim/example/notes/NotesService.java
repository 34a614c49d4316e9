package io.jshim.example.notes;

import static java.util.Objects.requireNonNull;

import com.google.inject.Inject;
import io.jshim.example.notes.v1.DeleteNoteRequest;
import io.jshim.example.notes.v1.DeleteNoteResponse;
import io.jshim.example.notes.v1.GetNoteRequest;
import io.jshim.example.notes.v1.GetNoteResponse;
import io.jshim.example.notes.v1.GetStatsRequest;
import io.jshim.example.notes.v1.GetStatsResponse;
import io.jshim.example.notes.v1.ListNotesRequest;
import io.jshim.example.notes.v1.ListNotesResponse;
import io.jshim.example.notes.v1.NotesTtrpc;
import io.jshim.example.notes.v1.SetNoteRequest;
import io.jshim.example.notes.v1.SetNoteResponse;
import io.jshim.framework.plugin.ShutdownService;
import io.jshim.ttrpc.Status;

/**
 * The {@code jshim.example.notes.v1.Notes} TTRPC service: translates requests to {@link NoteStore} calls.
 * Once the shim is shutting down (the injected {@link ShutdownService}), writes answer {@code UNAVAILABLE}
 * so that no note is written while the bundle is being torn down.
 */
final class NotesService extends NotesTtrpc.NotesImplBase {
    private final NoteStore store;
    private final CallMetrics metrics;
    private final ShutdownService shutdown;

    @Inject
    NotesService(NoteStore store, CallMetrics metrics, ShutdownService shutdown) {
        this.store = requireNonNull(store, "store is null");
        this.metrics = requireNonNull(metrics, "metrics is null");
        this.shutdown = requireNonNull(shutdown, "shutdown is null");
    }

    @Override
    public SetNoteResponse setNote(SetNoteRequest request) {
        refuseWritesDuringShutdown("set note " + request.getKey());
        boolean replaced = store.set(request.getContainerId(), request.getKey(), request.getValue());
        return SetNoteResponse.newBuilder().setReplaced(replaced).build();
    }

    @Override
    public GetNoteResponse getNote(GetNoteRequest request) {
        return store.get(request.getContainerId(), request.getKey())
                .map(note -> GetNoteResponse.newBuilder().setNote(note).build())
                .orElseThrow(() -> notFound(request.getContainerId(), request.getKey()));
    }

    @Override
    public ListNotesResponse listNotes(ListNotesRequest request) {
        return ListNotesResponse.newBuilder().addAllNotes(store.list(request.getContainerId())).build();
    }

    @Override
    public DeleteNoteResponse deleteNote(DeleteNoteRequest request) {
        refuseWritesDuringShutdown("delete note " + request.getKey());
        if (!store.delete(request.getContainerId(), request.getKey())) {
            throw notFound(request.getContainerId(), request.getKey());
        }
        return DeleteNoteResponse.getDefaultInstance();
    }

    @Override
    public GetStatsResponse getStats(GetStatsRequest request) {
        return GetStatsResponse.newBuilder().addAllMethods(metrics.snapshot()).build();
    }

    private void refuseWritesDuringShutdown(String action) {
        if (shutdown.isShutdown()) {
            throw Status.UNAVAILABLE.withDescription("failed to " + action + ": the shim is shutting down").asException();
        }
    }

    private static RuntimeException notFound(String containerId, String key) {
        return Status.NOT_FOUND.withDescription("note " + key + " of container " + containerId + " not found").asException();
    }
}
