package io.jshim.example.notes;

/**
 * The plugin's settings: the HOCON block {@code plugins."io.containerd.ttrpc.v1".notes} (defaults in the
 * jar's {@code reference.conf}).
 *
 * @param maxNotes     {@code max-notes}: notes one container may have
 * @param maxNoteBytes {@code max-note-bytes}: largest note value, in UTF-8 bytes
 * @param auditLog     {@code audit-log}: log one line per TTRPC call the shim serves
 */
public record NotesSettings(int maxNotes, int maxNoteBytes, boolean auditLog) {
    /** Rejects limits below 1 (the framework reports the file, line and key). */
    public NotesSettings {
        if (maxNotes < 1) {
            throw new IllegalArgumentException("max-notes must be at least 1, got " + maxNotes);
        }
        if (maxNoteBytes < 1) {
            throw new IllegalArgumentException("max-note-bytes must be at least 1, got " + maxNoteBytes);
        }
    }
}
