package io.jshim.framework;

import com.google.protobuf.Timestamp;
import io.jshim.api.task.v2.DeleteResponse;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.Optional;

/**
 * The answer to the {@code delete} action, recorded in the bundle by a daemon that already deleted the task cleanly.
 *
 * <p>containerd 1.6 runs {@code <shim> -id ID delete} in the bundle after every disconnect of a shim, also after a
 * normal task Delete, and {@code ctr run --rm} waits for it. When the daemon has already removed the container
 * (runtime state and rootfs mounts), a task plugin calls {@link #write} with the task's exit; the {@code delete}
 * action then prints the recorded {@code DeleteResponse} instead of asking the {@link ShimManager} to clean up
 * again. The file is {@value #FILE_NAME} in the bundle, holding the {@code DeleteResponse} protobuf bytes, so a
 * launcher script may answer {@code delete} with {@code cat} and skip starting a JVM; containerd removes it with
 * the bundle. containerd also runs {@code delete} after a Create that failed: a task plugin that has undone such a
 * Create may record the answer {@code delete} would give (the runc shim's: {@code 137}, now).
 *
 * <p>Write it only after everything the {@code delete} action would undo is undone: its presence tells the shim
 * binary that there is nothing left to clean for this task.
 */
public final class DeleteRecord {
    /** The record's file name in the bundle. */
    public static final String FILE_NAME = "jshim-deleted";

    private DeleteRecord() {
    }

    /**
     * Records, atomically, that the task of {@code bundle} is deleted and how it ended.
     *
     * @param bundle the task's bundle directory
     * @param status the task's init pid, exit status and exit time
     * @throws IOException when the file cannot be written (nothing is left behind)
     */
    public static void write(Path bundle, ShimManager.StopStatus status) throws IOException {
        Path target = bundle.resolve(FILE_NAME);
        Path temp = bundle.resolve("." + FILE_NAME);
        try {
            Files.write(temp, encode(status).toByteArray());
            Files.move(temp, target, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
        } catch (IOException e) {
            Files.deleteIfExists(temp);
            throw e;
        }
    }

    /**
     * The recorded {@code DeleteResponse} bytes of {@code bundle}, if its task was deleted by the daemon.
     *
     * @param bundle the task's bundle directory
     * @return the bytes the {@code delete} action prints, or empty when nothing was recorded
     * @throws IOException when the record exists but cannot be read
     */
    public static Optional<byte[]> read(Path bundle) throws IOException {
        try {
            return Optional.of(Files.readAllBytes(bundle.resolve(FILE_NAME)));
        } catch (NoSuchFileException e) {
            return Optional.empty();
        }
    }

    /** The {@code containerd.task.v2.DeleteResponse} for {@code status}. */
    static DeleteResponse encode(ShimManager.StopStatus status) {
        DeleteResponse.Builder response = DeleteResponse.newBuilder()
                .setPid(status.pid())
                .setExitStatus(status.exitStatus());
        if (status.exitedAt() != null) {
            response.setExitedAt(Timestamp.newBuilder()
                    .setSeconds(status.exitedAt().getEpochSecond()).setNanos(status.exitedAt().getNano()));
        }
        return response.build();
    }
}
