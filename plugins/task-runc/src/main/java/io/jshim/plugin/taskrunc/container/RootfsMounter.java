package io.jshim.plugin.taskrunc.container;

import io.jshim.plugin.taskrunc.error.TaskException;
import io.jshim.posix.Errno;
import io.jshim.posix.MountCalls;
import io.jshim.posix.Posix;
import io.jshim.posix.PosixException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.nio.file.Path;
import java.util.List;
import java.util.Objects;

/**
 * Mounts a Create request's rootfs mounts onto {@code BUNDLE/rootfs} and takes them down again (the Go shim's
 * {@code mount.All} / {@code mount.UnmountAll}). A failed mount unmounts what was mounted before it.
 */
public final class RootfsMounter {
    private static final Logger LOG = LoggerFactory.getLogger(RootfsMounter.class);
    private static final int EINVAL = Errno.EINVAL;
    private static final int MAX_UNMOUNTS = 64;

    private final Posix posix;

    public RootfsMounter(Posix posix) {
        this.posix = Objects.requireNonNull(posix, "posix is null");
    }

    /**
     * Mounts {@code mounts} in order onto {@code target}.
     *
     * @throws TaskException.Unknown naming the failed mount; earlier mounts are undone
     */
    public void mountAll(List<MountSpec> mounts, Path target) {
        int done = 0;
        try {
            for (MountSpec m : mounts) {
                mount(m, target);
                done++;
            }
        } catch (PosixException e) {
            if (done > 0) {
                unmountAll(target);
            }
            MountSpec failed = mounts.get(done);
            throw new TaskException.Unknown("failed to mount rootfs component " + failed.type() + " "
                    + failed.source() + " on " + target + ": " + e.getMessage(), e);
        }
    }

    private void mount(MountSpec m, Path target) {
        MountOptions o = MountOptions.parse(m.options());
        long flags = o.flags();
        posix.mount(m.source(), target, m.type(), flags & ~MountCalls.MS_REMOUNT, o.data().isEmpty() ? null : o.data());
        boolean bind = (flags & MountCalls.MS_BIND) != 0;
        if (bind && (flags & MountCalls.MS_RDONLY) != 0) {
            posix.mount("", target, null, flags | MountCalls.MS_REMOUNT, null);
        }
        if (o.propagation() != 0) {
            posix.mount("", target, null, o.propagation(), null);
        }
    }

    /**
     * Unmounts everything stacked on {@code target} (detach); never throws.
     *
     * @return whether nothing is mounted there any more (false after a failure, logged)
     */
    public boolean unmountAll(Path target) {
        for (int i = 0; i < MAX_UNMOUNTS; i++) {
            try {
                posix.umount2(target, MountCalls.MNT_DETACH);
            } catch (PosixException e) {
                if (e.errno() != EINVAL && e.errno() != Errno.ENOENT) {
                    LOG.warn("failed to unmount rootfs target={} error={}", target, e.getMessage());
                    return false;
                }
                return true;
            }
        }
        LOG.warn("failed to unmount rootfs target={} error=still mounted after {} unmounts", target, MAX_UNMOUNTS);
        return false;
    }
}
