package io.jshim.framework;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.attribute.PosixFilePermissions;

/**
 * Root-only files that a launcher script reads while the daemon may rewrite them (records such as
 * {@link JoinRecord}): written whole under a temporary name, mode {@code 0600} from creation, then renamed over the
 * target, so a reader sees the old text or the new one, never a part, and no other user ever can.
 */
public final class PrivateFiles {
    private PrivateFiles() {
    }

    /**
     * Replaces {@code target} with {@code text} (UTF-8), atomically, mode {@code 0600}; the temporary file
     * ({@code .<name>.<pid>} beside it) is removed on failure.
     *
     * @param target the file to write
     * @param text   its whole content
     * @throws IOException when the file cannot be written (nothing is left behind)
     */
    public static void replace(Path target, String text) throws IOException {
        Path temp = target.resolveSibling("." + target.getFileName() + "." + ProcessHandle.current().pid());
        try {
            Files.deleteIfExists(temp);
            Files.createFile(temp, PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rw-------")));
            Files.writeString(temp, text, StandardCharsets.UTF_8);
            Files.move(temp, target, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
        } catch (IOException e) {
            Files.deleteIfExists(temp);
            throw e;
        }
    }
}
