package io.jshim.plugin.taskrunc.oom;

import java.util.Objects;
import java.util.OptionalLong;

/**
 * One container's account of its OOM kills: how many of them were published as {@code /tasks/oom}. The cgroup
 * watch (as OOMs happen) and the exit check (when a process of the container is reaped, before its
 * {@code /tasks/exit}) both report the cgroup's kill counter here, so each kill yields exactly one event,
 * whichever of them sees it first, and every kill that caused an exit is published before that exit.
 *
 * <p>Until the container's start event is out, what the watch sees is held, so that {@code /tasks/oom} never
 * precedes {@code /tasks/start}; the exit check publishes regardless (an exit is about to be published).
 *
 * <p>{@link #lock} guards every field. Events are published while it is held: a caller that finds nothing left
 * to publish returns only after the event of the caller that did was queued, and the publisher forwards events
 * in the order they were queued.
 */
final class OomAccount {
    private final Runnable publishOne;
    private final Object lock = new Object();
    /** The kill counter value up to which every kill was published (from the baseline at the first look). */
    private long accounted;
    /** OOMs without a kill (v1 only) the watch saw before the start event was out. */
    private int heldWithoutKill;
    /** Whether the start event is out: the watch's reports are published as they come. */
    private boolean open;

    /**
     * @param baseline the cgroup's kill counter before the container could run (kills up to it are not its own)
     * @param publishOne publishes one {@code /tasks/oom} for the container
     */
    OomAccount(long baseline, Runnable publishOne) {
        this.accounted = baseline;
        this.publishOne = Objects.requireNonNull(publishOne, "publishOne is null");
    }

    /** The watch read the kill counter at {@code kills}: publishes the kills not yet published, once open. */
    void seen(long kills) {
        synchronized (lock) {
            if (open) {
                publishUpTo(kills);
            }
        }
    }

    /** The watch saw an OOM that killed nothing it can count (v1: OOM killer disabled, or no counter). */
    void seenWithoutKill() {
        synchronized (lock) {
            if (open) {
                publishOne.run();
            } else {
                heldWithoutKill++;
            }
        }
    }

    /**
     * The start event is out: publishes what was held and the kills up to {@code kills} (empty when the counter
     * cannot be read).
     */
    void open(OptionalLong kills) {
        synchronized (lock) {
            open = true;
            publishHeld();
            kills.ifPresent(this::publishUpTo);
        }
    }

    /**
     * A process of the container was reaped and its exit is about to be published: publishes what was held and
     * every kill up to {@code kills} (empty when the counter cannot be read).
     */
    void settle(OptionalLong kills) {
        synchronized (lock) {
            publishHeld();
            kills.ifPresent(this::publishUpTo);
        }
    }

    /** The counter value up to which every kill was published. */
    long accounted() {
        synchronized (lock) {
            return accounted;
        }
    }

    private void publishHeld() {
        for (; heldWithoutKill > 0; heldWithoutKill--) {
            publishOne.run();
        }
    }

    private void publishUpTo(long kills) {
        for (; accounted < kills; accounted++) {
            publishOne.run();
        }
    }
}
