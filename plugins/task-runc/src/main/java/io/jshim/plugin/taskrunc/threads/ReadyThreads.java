package io.jshim.plugin.taskrunc.threads;

import io.jshim.framework.plugin.Managed;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.util.ArrayDeque;
import java.util.Deque;
import java.util.Objects;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.locks.ReentrantLock;

/**
 * Platform threads for loops that block in native calls (a process's stdio copies, a container's OOM watch),
 * started before they are needed. A Create needs up to three, and starting a platform thread on its path cost
 * 0.15-0.3 ms each (CriPodBench's timeline: 0.42 ms for a container's two output copies, 0.33 ms for its OOM
 * watch).
 *
 * <p>Up to {@code ready} threads wait, parked and named {@value #IDLE_NAME}. {@link #start} hands a task to the one
 * that waited last, renamed for the task, or starts a new thread when none waits; each hand-off starts the missing
 * waiters again on a virtual thread, off the caller's path (a Create's copies are taken before {@code runc create},
 * whose ~30 ms leave a CPU free for them). A thread whose task ended waits for another while fewer than
 * {@code ready} wait, else it ends. {@link #start()} starts the first waiters; {@link #close()} ends the waiting
 * ones (running tasks end on their own).
 */
public final class ReadyThreads implements Managed {
    private static final Logger LOG = LoggerFactory.getLogger(ReadyThreads.class);
    /** The name of a waiting thread. */
    static final String IDLE_NAME = "jshim-ready";

    private final int ready;
    private final ReentrantLock lock = new ReentrantLock();
    /** Guarded by {@link #lock}: one slot per waiting thread, completed with its task (null: end). */
    private final Deque<CompletableFuture<Job>> waiting = new ArrayDeque<>();
    /** Guarded by {@link #lock}: threads started to wait that do not wait yet. */
    private int starting;
    /** Guarded by {@link #lock}. */
    private boolean closed;

    private record Job(String name, Runnable task) {
    }

    /** @param ready how many threads wait for a task (0: every task starts its own thread) */
    public ReadyThreads(int ready) {
        if (ready < 0) {
            throw new IllegalArgumentException("ready threads must not be negative: " + ready);
        }
        this.ready = ready;
    }

    /** Starts the waiting threads, in the background. */
    @Override
    public void start() {
        lock.lock();
        try {
            refill();
        } finally {
            lock.unlock();
        }
    }

    /** Runs {@code task} on a platform daemon thread named {@code name}: a waiting one, or a new one. */
    public void start(String name, Runnable task) {
        Job job = new Job(Objects.requireNonNull(name, "name is null"), Objects.requireNonNull(task, "task is null"));
        CompletableFuture<Job> slot;
        lock.lock();
        try {
            slot = waiting.pollLast();
            refill();
        } finally {
            lock.unlock();
        }
        if (slot != null) {
            slot.complete(job);
        } else {
            Thread.ofPlatform().daemon().name(name).start(() -> work(job));
        }
    }

    /** How many threads wait for a task now. */
    int waiting() {
        lock.lock();
        try {
            return waiting.size();
        } finally {
            lock.unlock();
        }
    }

    /** Ends the waiting threads; later tasks each start their own thread. */
    @Override
    public void close() {
        lock.lock();
        try {
            closed = true;
            waiting.forEach(slot -> slot.complete(null));
            waiting.clear();
        } finally {
            lock.unlock();
        }
    }

    /** Guarded by {@link #lock}: starts, on a virtual thread, the threads that bring the waiters up to ready. */
    private void refill() {
        int missing = ready - waiting.size() - starting;
        if (closed || missing <= 0) {
            return;
        }
        starting += missing;
        Thread.ofVirtual().name("jshim-ready-refill").start(() -> {
            for (int i = 0; i < missing; i++) {
                try {
                    Thread.ofPlatform().daemon().name(IDLE_NAME).start(() -> work(null));
                } catch (RuntimeException | OutOfMemoryError e) {
                    LOG.warn("failed to start a ready thread error={}", e.toString());
                    lock.lock();
                    try {
                        starting -= missing - i;
                    } finally {
                        lock.unlock();
                    }
                    return;
                }
            }
        });
    }

    /** Runs {@code first} (null: a new waiter), then waits for the next task while fewer than ready wait. */
    private void work(Job first) {
        Job job = first == null ? next(true) : first;
        while (job != null) {
            Thread.currentThread().setName(job.name());
            try {
                job.task().run();
            } catch (RuntimeException e) {
                LOG.warn("task on a ready thread failed thread={}", job.name(), e);
            }
            Thread.currentThread().setName(IDLE_NAME);
            job = next(false);
        }
    }

    /** The next task of this thread, or null when it should end; {@code fresh}: it was started to wait. */
    private Job next(boolean fresh) {
        CompletableFuture<Job> slot = new CompletableFuture<>();
        lock.lock();
        try {
            if (fresh) {
                starting--;
            }
            if (closed || waiting.size() >= ready) {
                return null;
            }
            waiting.addLast(slot);
        } finally {
            lock.unlock();
        }
        return slot.join();
    }
}
