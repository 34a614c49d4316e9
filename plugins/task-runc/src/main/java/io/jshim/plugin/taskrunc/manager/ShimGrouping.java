package io.jshim.plugin.taskrunc.manager;

import java.util.List;
import java.util.Map;

/**
 * Which shim a task joins: tasks whose bundles carry the same group annotation share one daemon. The runc
 * shim's own group label and CRI's sandbox id come first (containerd's order), then cri-o's and dockershim's
 * sandbox ids; without any, each task gets its own shim.
 */
public final class ShimGrouping {
    /** The annotations consulted, in order. */
    public static final List<String> GROUP_LABELS = List.of(
            "io.containerd.runc.v2.group",
            "io.kubernetes.cri.sandbox-id",
            "io.kubernetes.cri-o.SandboxID",
            "io.kubernetes.sandbox.id");

    private ShimGrouping() {
    }

    /** The group of a task with {@code annotations}, or {@code taskId} when none applies. */
    public static String groupOf(String taskId, Map<String, String> annotations) {
        for (String label : GROUP_LABELS) {
            String group = annotations.get(label);
            if (group != null && !group.isEmpty()) {
                return group;
            }
        }
        return taskId;
    }
}
