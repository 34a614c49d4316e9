package io.jshim.ttrpc;

import java.util.ArrayDeque;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.locks.Condition;
import java.util.concurrent.locks.ReentrantLock;

/**
 * The bounded queue of messages received for one stream: the connection's reader puts (waiting a
 * bounded time for a slow consumer), the stream's user takes. The remote side ends it once all queued
 * items are taken; a failure ends it at once.
 *
 * @param <T> the queued item
 */
final class StreamInbox<T> {

    static final int CAPACITY = 16;

    private final ReentrantLock lock = new ReentrantLock();
    private final Condition notEmpty = lock.newCondition();
    private final Condition notFull = lock.newCondition();
    private final ArrayDeque<T> items = new ArrayDeque<>();
    private boolean ended;
    private Status failure;

    /**
     * @return false when the consumer did not make room within the timeout; true when queued, or
     *     dropped because the inbox has already ended or failed
     */
    boolean put(T item, long timeoutNanos) throws InterruptedException {
        lock.lock();
        try {
            long left = timeoutNanos;
            while (items.size() >= CAPACITY && !ended && failure == null) {
                if (left <= 0) {
                    return false;
                }
                left = notFull.awaitNanos(left);
            }
            if (!ended && failure == null) {
                items.add(item);
                notEmpty.signalAll();
            }
            return true;
        } finally {
            lock.unlock();
        }
    }

    /** The remote side sends nothing more: takes drain what is queued, then see the end. */
    void end() {
        lock.lock();
        try {
            ended = true;
            notEmpty.signalAll();
            notFull.signalAll();
        } finally {
            lock.unlock();
        }
    }

    /** Fails the stream now: queued items are dropped and takes throw the status; the first failure wins. */
    void fail(Status status) {
        lock.lock();
        try {
            if (failure == null) {
                failure = status;
            }
            items.clear();
            notEmpty.signalAll();
            notFull.signalAll();
        } finally {
            lock.unlock();
        }
    }

    /**
     * @param deadline System.nanoTime() after which to give up, or 0 to wait without limit
     * @return the next item, or null once ended and drained
     * @throws TtrpcException with the failure
     * @throws TimeoutException when the deadline passed first
     */
    T take(long deadline) throws InterruptedException, TimeoutException {
        lock.lock();
        try {
            while (true) {
                if (failure != null) {
                    throw failure.asException();
                }
                T item = items.poll();
                if (item != null) {
                    notFull.signalAll();
                    return item;
                }
                if (ended) {
                    return null;
                }
                if (deadline == 0) {
                    notEmpty.await();
                } else {
                    long left = deadline - System.nanoTime();
                    if (left <= 0) {
                        throw new TimeoutException();
                    }
                    notEmpty.awaitNanos(left);
                }
            }
        } finally {
            lock.unlock();
        }
    }
}
