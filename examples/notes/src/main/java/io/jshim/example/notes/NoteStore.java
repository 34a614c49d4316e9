package io.jshim.example.notes;

import static java.util.Objects.requireNonNull;

import io.jshim.example.notes.v1.Note;
import io.jshim.ttrpc.Status;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.regex.Pattern;
import java.util.stream.Stream;

/**
 * Notes as files: {@code <state dir>/<container id>/<key>} holds the value. Ids and keys follow
 * containerd's identifier rules, so neither can leave the state dir. Writes go to a temporary file renamed
 * into place, so a reader never sees half a note.
 */
final class NoteStore {
    /** containerd's identifier rule ({@code identifiers.Validate}): alphanumerics separated by . _ or -. */
    private static final Pattern IDENTIFIER = Pattern.compile("[A-Za-z0-9]+(?:[._-][A-Za-z0-9]+)*");
    private static final int MAX_IDENTIFIER_LENGTH = 76;

    private final Path dir;
    private final NotesSettings settings;
    /** Serialises writers so that the per-container limit holds; readers need no lock. */
    private final Object writeLock = new Object();

    NoteStore(Path dir, NotesSettings settings) {
        this.dir = requireNonNull(dir, "dir is null");
        this.settings = requireNonNull(settings, "settings is null");
    }

    /** Creates or replaces a note; returns whether it existed. */
    boolean set(String containerId, String key, String value) {
        Path file = file(containerId, key);
        byte[] bytes = value.getBytes(StandardCharsets.UTF_8);
        if (bytes.length > settings.maxNoteBytes()) {
            throw Status.RESOURCE_EXHAUSTED.withDescription("failed to set note " + key + " of container " + containerId
                    + ": " + bytes.length + " bytes exceed max-note-bytes " + settings.maxNoteBytes()).asException();
        }
        synchronized (writeLock) {
            boolean replaced = Files.exists(file);
            if (!replaced && count(containerId) >= settings.maxNotes()) {
                throw Status.RESOURCE_EXHAUSTED.withDescription("failed to set note " + key + " of container "
                        + containerId + ": it already has max-notes " + settings.maxNotes() + " notes").asException();
            }
            try {
                Files.createDirectories(file.getParent());
                Path temporary = file.resolveSibling("." + key + ".tmp");
                Files.write(temporary, bytes);
                Files.move(temporary, file, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
            } catch (IOException e) {
                throw new UncheckedIOException("failed to write note " + key + " of container " + containerId
                        + " to " + file + ": " + e.getMessage(), e);
            }
            return replaced;
        }
    }

    /** The note, if the container has one with that key. */
    Optional<Note> get(String containerId, String key) {
        Path file = file(containerId, key);
        try {
            return Optional.of(note(containerId, key, Files.readString(file)));
        } catch (NoSuchFileException e) {
            return Optional.empty();
        } catch (IOException e) {
            throw new UncheckedIOException("failed to read note " + key + " of container " + containerId + ": " + e.getMessage(), e);
        }
    }

    /** Every note of the container, sorted by key. */
    List<Note> list(String containerId) {
        List<Note> notes = new ArrayList<>();
        for (String key : keys(containerId)) {
            get(containerId, key).ifPresent(notes::add);
        }
        return notes;
    }

    /** Deletes a note; returns whether it existed. */
    boolean delete(String containerId, String key) {
        Path file = file(containerId, key);
        synchronized (writeLock) {
            try {
                return Files.deleteIfExists(file);
            } catch (IOException e) {
                throw new UncheckedIOException("failed to delete note " + key + " of container " + containerId + ": " + e.getMessage(), e);
            }
        }
    }

    private int count(String containerId) {
        return keys(containerId).size();
    }

    private List<String> keys(String containerId) {
        Path container = dir.resolve(checked("container id", containerId));
        if (!Files.isDirectory(container)) {
            return List.of();
        }
        try (Stream<Path> files = Files.list(container)) {
            return files.map(p -> p.getFileName().toString()).filter(name -> !name.startsWith(".")).sorted().toList();
        } catch (IOException e) {
            throw new UncheckedIOException("failed to list notes of container " + containerId + ": " + e.getMessage(), e);
        }
    }

    private Path file(String containerId, String key) {
        return dir.resolve(checked("container id", containerId)).resolve(checked("note key", key));
    }

    private static String checked(String what, String value) {
        if (value.isEmpty() || value.length() > MAX_IDENTIFIER_LENGTH || !IDENTIFIER.matcher(value).matches()) {
            throw Status.INVALID_ARGUMENT.withDescription("invalid " + what + " \"" + value + "\": expected 1 to "
                    + MAX_IDENTIFIER_LENGTH + " letters or digits separated by '.', '_' or '-'").asException();
        }
        return value;
    }

    private static Note note(String containerId, String key, String value) {
        return Note.newBuilder().setContainerId(containerId).setKey(key).setValue(value).build();
    }
}
