package io.jshim.framework;

import io.jshim.api.types.RuntimeInfo;
import java.io.InputStream;
import java.time.Instant;

/**
 * What a runtime gives {@link Shim#run}: its name, how containers are grouped into one shim process, how to
 * clean up after a lost shim ({@code delete}) and what {@code -info} prints. The Java form of the Go
 * shim's {@code shim.Manager}; the framework does the rest (flags, socket, daemon, plugins, logging).
 */
public interface ShimManager {
    /** The runtime name, e.g. {@code io.containerd.jrunc.v2}; prefixes error lines and log entries. */
    String name();

    /** The version printed by {@code -v}. */
    default String version() {
        String version = getClass().getPackage().getImplementationVersion();
        return version == null ? "unknown" : version;
    }

    /** The source revision printed by {@code -v}. */
    default String revision() {
        return "unknown";
    }

    /**
     * The group this task joins: tasks with the same group share one daemon (the runc shim uses the
     * {@code io.kubernetes.cri.sandbox-id} annotation of the bundle's {@code config.json}). Called by
     * {@code start}, before the socket address is derived from it.
     *
     * @return the group id; the task id by default (one daemon per task)
     */
    default String groupId(ShimOptions options) throws Exception {
        return options.id();
    }

    /**
     * Called by {@code start} once a new daemon is ready, before the address is printed (e.g. to move the
     * daemon into the {@code shim_cgroup} of the runtime options containerd wrote on {@code stdin}).
     * Not called when {@code start} returns the address of an existing daemon of the group.
     *
     * @param daemonPid the daemon's pid
     * @param stdin     the start command's standard input (containerd's runtime options, may be empty)
     */
    default void daemonStarted(ShimOptions options, int daemonPid, InputStream stdin) throws Exception {
    }

    /**
     * The {@code delete} action: containerd lost the shim and asks to clean up the task
     * ({@code runc delete --force}, unmount the rootfs...). Runs in a short-lived process without plugins.
     */
    StopStatus delete(ShimOptions options) throws Exception;

    /**
     * The {@code -info} flag: reads runtime options from {@code options} and describes the runtime.
     */
    default RuntimeInfo info(InputStream options) throws Exception {
        return RuntimeInfo.newBuilder().setName(name()).build();
    }

    /**
     * The outcome of {@code delete}, printed as a {@code containerd.task.v2.DeleteResponse}.
     *
     * @param pid        the task's init pid (0 when unknown)
     * @param exitStatus its exit status (containerd's convention after a forced delete: 128 + SIGKILL = 137)
     * @param exitedAt   when it exited
     */
    record StopStatus(int pid, int exitStatus, Instant exitedAt) {
    }
}
