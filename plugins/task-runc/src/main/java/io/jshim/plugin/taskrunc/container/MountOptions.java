package io.jshim.plugin.taskrunc.container;

import io.jshim.posix.MountCalls;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * containerd's mount option parsing ({@code mount_linux.go parseMountOptions}): flag words become mount
 * flags, everything else joins the data string.
 *
 * @param flags     mount(2) flags
 * @param data      comma-joined remaining options
 * @param propagation propagation flags applied in a second mount call
 */
record MountOptions(long flags, String data, long propagation) {
    private static final long MS_SYNCHRONOUS = 16;
    private static final long MS_NOATIME = 1024;
    private static final long MS_NODIRATIME = 2048;
    private static final long MS_RELATIME = 1 << 21;
    private static final long MS_STRICTATIME = 1 << 24;
    private static final long MS_SHARED = 1 << 20;
    private static final long MS_SLAVE = 1 << 19;
    private static final long MS_UNBINDABLE = 1 << 17;

    /** word -> (clear?, flag). */
    private static final Map<String, long[]> FLAGS = Map.ofEntries(
            Map.entry("async", new long[]{1, MS_SYNCHRONOUS}),
            Map.entry("atime", new long[]{1, MS_NOATIME}),
            Map.entry("bind", new long[]{0, MountCalls.MS_BIND}),
            Map.entry("defaults", new long[]{0, 0}),
            Map.entry("dev", new long[]{1, MountCalls.MS_NODEV}),
            Map.entry("diratime", new long[]{1, MS_NODIRATIME}),
            Map.entry("exec", new long[]{1, MountCalls.MS_NOEXEC}),
            Map.entry("noatime", new long[]{0, MS_NOATIME}),
            Map.entry("nodev", new long[]{0, MountCalls.MS_NODEV}),
            Map.entry("nodiratime", new long[]{0, MS_NODIRATIME}),
            Map.entry("noexec", new long[]{0, MountCalls.MS_NOEXEC}),
            Map.entry("norelatime", new long[]{1, MS_RELATIME}),
            Map.entry("nostrictatime", new long[]{1, MS_STRICTATIME}),
            Map.entry("nosuid", new long[]{0, MountCalls.MS_NOSUID}),
            Map.entry("rbind", new long[]{0, MountCalls.MS_BIND | MountCalls.MS_REC}),
            Map.entry("relatime", new long[]{0, MS_RELATIME}),
            Map.entry("remount", new long[]{0, MountCalls.MS_REMOUNT}),
            Map.entry("ro", new long[]{0, MountCalls.MS_RDONLY}),
            Map.entry("rw", new long[]{1, MountCalls.MS_RDONLY}),
            Map.entry("strictatime", new long[]{0, MS_STRICTATIME}),
            Map.entry("suid", new long[]{1, MountCalls.MS_NOSUID}),
            Map.entry("sync", new long[]{0, MS_SYNCHRONOUS}));

    private static final Map<String, Long> PROPAGATION = Map.of(
            "private", MountCalls.MS_PRIVATE, "rprivate", MountCalls.MS_PRIVATE | MountCalls.MS_REC,
            "shared", MS_SHARED, "rshared", MS_SHARED | MountCalls.MS_REC,
            "slave", MS_SLAVE, "rslave", MS_SLAVE | MountCalls.MS_REC,
            "unbindable", MS_UNBINDABLE, "runbindable", MS_UNBINDABLE | MountCalls.MS_REC);

    static MountOptions parse(List<String> options) {
        long flags = 0;
        long propagation = 0;
        List<String> data = new ArrayList<>();
        for (String o : options) {
            long[] f = FLAGS.get(o);
            if (f != null) {
                flags = f[0] == 1 ? flags & ~f[1] : flags | f[1];
            } else if (PROPAGATION.containsKey(o)) {
                propagation |= PROPAGATION.get(o);
            } else {
                data.add(o);
            }
        }
        return new MountOptions(flags, String.join(",", data), propagation);
    }
}
