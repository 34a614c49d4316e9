package io.jshim.posix;

/**
 * One {@code struct inotify_event}.
 *
 * @param wd the watch descriptor {@link NotifyCalls#inotifyAddWatch} returned
 * @param mask the event bits ({@link NotifyCalls#IN_MODIFY}, ...)
 * @param cookie links rename events
 * @param name the file name inside a watched directory, or the empty string
 */
public record InotifyEvent(int wd, int mask, int cookie, String name) {}
