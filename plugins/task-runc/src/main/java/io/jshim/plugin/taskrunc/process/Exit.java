package io.jshim.plugin.taskrunc.process;

import java.time.Instant;

/**
 * A reaped child: its pid, its status as containerd reports it (exit code, or 128 + signal) and when.
 */
public record Exit(int pid, int status, Instant at) {
}
