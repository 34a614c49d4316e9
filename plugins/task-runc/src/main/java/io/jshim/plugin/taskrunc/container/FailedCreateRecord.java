package io.jshim.plugin.taskrunc.container;

import io.jshim.framework.DeleteRecord;
import io.jshim.framework.ShimManager;
import io.jshim.plugin.taskrunc.runc.Runc;
import io.jshim.plugin.taskrunc.runc.RuncException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.util.Objects;

/**
 * After a Create failed and was undone, records in the bundle what the shim binary's {@code delete} action would
 * answer ({@link DeleteRecord}), so that the {@code delete} containerd runs next (the failed task's shim
 * disconnects) needs no JVM. The answer is the Go shim's for such a bundle: the pid of {@code init.pid} or, as
 * go-runc's {@code ReadPidFile} gives without one, -1 (4294967295 on the wire), exit status 137, exited now.
 *
 * <p>Nothing is recorded while anything of the container may remain: when the Create's own undo failed (stdio,
 * rootfs mounts), when the runtime's state directory {@code <root>/<id>} exists, or when the runtime does not say
 * the container does not exist. Then {@code delete} cleans up the slow way.
 */
public final class FailedCreateRecord {
    private static final Logger LOG = LoggerFactory.getLogger(FailedCreateRecord.class);
    /** 128 + SIGKILL: the exit status the delete action reports. */
    static final int KILLED = 137;

    private final Clock clock;

    public FailedCreateRecord(Clock clock) {
        this.clock = Objects.requireNonNull(clock, "clock is null");
    }

    /**
     * Records the delete answer of the failed container {@code id} if nothing of it is left.
     *
     * @param undone whether the Create's undo (stdio closed, rootfs unmounted) succeeded
     * @return whether the record was written
     */
    public boolean writeIfNothingLeft(String id, Path bundle, Runc runc, boolean undone) {
        String left = undone ? runtimeStateLeft(id, runc) : "rootfs or stdio of the failed create";
        if (left != null) {
            LOG.atInfo().addKeyValue("id", id).addKeyValue("left", left)
                    .log("failed create not recorded as deleted: the delete action cleans up");
            return false;
        }
        try {
            DeleteRecord.write(bundle, new ShimManager.StopStatus(initPid(bundle), KILLED, clock.instant()));
            return true;
        } catch (IOException | RuntimeException e) {
            LOG.atWarn().addKeyValue("id", id).addKeyValue("bundle", bundle).addKeyValue("error", e.toString())
                    .log("failed to record the failed create for the delete action");
            return false;
        }
    }

    /** What of the runtime's container is left, or null when the runtime has nothing of {@code id}. */
    private static String runtimeStateLeft(String id, Runc runc) {
        Path state = runc.config().root().resolve(id);
        if (Files.exists(state)) {
            return "runtime state " + state;
        }
        try {
            runc.state(id);
            return "runtime container " + id;
        } catch (RuncException e) {
            // its own answer only (stderr): the JSON log also holds the failed create's error
            return e.exitStatus() > 0 && (e.output().contains("does not exist") || e.output().contains("not found"))
                    ? null : "runtime state unknown: " + e.getMessage();
        }
    }

    /** The init pid the Go shim's delete action reads from {@code init.pid}: -1 without one. */
    public static int initPid(Path bundle) {
        try {
            return Integer.parseInt(Files.readString(bundle.resolve("init.pid")).strip());
        } catch (IOException | NumberFormatException e) {
            return -1;
        }
    }
}
