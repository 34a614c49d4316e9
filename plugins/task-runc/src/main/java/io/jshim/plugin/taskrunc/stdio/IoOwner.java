package io.jshim.plugin.taskrunc.stdio;

/**
 * The owner given to a process's stdio pipes (the runc options' {@code io_uid}/{@code io_gid}), so that a
 * container process running as that user can reopen {@code /proc/self/fd/1} and friends, as with the Go shim.
 *
 * @param uid owner of both ends of every stdio pipe
 * @param gid group of both ends of every stdio pipe
 */
public record IoOwner(int uid, int gid) {
    /** root:root, what pipes get anyway when the shim runs as root. */
    public static final IoOwner ROOT = new IoOwner(0, 0);

    /** Rejects negative ids. */
    public IoOwner {
        if (uid < 0 || gid < 0) {
            throw new IllegalArgumentException("invalid io owner " + uid + ":" + gid);
        }
    }
}
