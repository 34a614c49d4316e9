package io.jshim.plugin.taskrunc.runc;

/**
 * What {@code runc state} reports.
 *
 * @param status created, running, paused, pausing or stopped
 * @param pid    the container's init pid
 */
public record RuncState(String status, int pid) {
}
