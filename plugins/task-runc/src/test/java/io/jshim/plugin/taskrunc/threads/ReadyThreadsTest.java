package io.jshim.plugin.taskrunc.threads;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Duration;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicReference;
import java.util.function.BooleanSupplier;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

@Timeout(value = 60, unit = TimeUnit.SECONDS)
class ReadyThreadsTest {

    @Test
    void aTaskRunsOnAThreadThatWaitedRenamedForItAndTheWaitersAreStartedAgain() throws Exception {
        ReadyThreads threads = new ReadyThreads(3);
        threads.start();
        await(() -> threads.waiting() == 3);
        Set<Thread> waiters = idleThreads();
        assertThat(waiters).hasSize(3);

        AtomicReference<Thread> ranOn = new AtomicReference<>();
        AtomicReference<String> name = new AtomicReference<>();
        CountDownLatch release = new CountDownLatch(1);
        threads.start("stdio-c1-stdout", () -> {
            ranOn.set(Thread.currentThread());
            name.set(Thread.currentThread().getName());
            await(release);
        });
        await(() -> ranOn.get() != null);
        assertThat(waiters).contains(ranOn.get());
        assertThat(ranOn.get().isDaemon()).isTrue();
        assertThat(ranOn.get().isVirtual()).isFalse();
        assertThat(name.get()).isEqualTo("stdio-c1-stdout");
        await(() -> threads.waiting() == 3); // a replacement waits while the task runs

        release.countDown();
        await(() -> ranOn.get().getState() == Thread.State.TERMINATED); // three wait already: it ends
        assertThat(threads.waiting()).isEqualTo(3);
        threads.close();
    }

    @Test
    void aThreadWhoseTaskEndedWaitsAgainWhileFewerThanReadyWait() throws Exception {
        ReadyThreads threads = new ReadyThreads(1);
        AtomicReference<Thread> first = new AtomicReference<>();
        CountDownLatch done = new CountDownLatch(1);
        threads.start("oom-c1", () -> {
            first.set(Thread.currentThread());
            done.countDown();
        });
        done.await();
        await(() -> threads.waiting() == 1);
        threads.close();
        assertThat(threads.waiting()).isZero();
        await(() -> idleThreads().isEmpty());
    }

    @Test
    void withNoneReadyEveryTaskStartsItsOwnThreadAndNoneWaits() throws Exception {
        ReadyThreads threads = new ReadyThreads(0);
        threads.start();
        Set<Thread> ranOn = ConcurrentHashMap.newKeySet();
        CountDownLatch done = new CountDownLatch(3);
        for (int i = 0; i < 3; i++) {
            threads.start("task-" + i, () -> {
                ranOn.add(Thread.currentThread());
                done.countDown();
            });
        }
        done.await();
        assertThat(ranOn).hasSize(3);
        assertThat(threads.waiting()).isZero();
        for (Thread t : ranOn) {
            assertThat(t.join(Duration.ofSeconds(10))).isTrue();
        }
    }

    @Test
    void aFailingTaskLeavesItsThreadServingTheNext() throws Exception {
        ReadyThreads threads = new ReadyThreads(1);
        threads.start();
        await(() -> threads.waiting() == 1);
        threads.start("fails", () -> {
            throw new IllegalStateException("boom");
        });
        await(() -> threads.waiting() == 1);
        CountDownLatch ran = new CountDownLatch(1);
        threads.start("next", ran::countDown);
        assertThat(ran.await(10, TimeUnit.SECONDS)).isTrue();
        threads.close();
    }

    @Test
    void racingStartsRunEveryTaskOnceAndLeaveNoMoreThanReadyWaiting() throws Exception {
        ReadyThreads threads = new ReadyThreads(3);
        threads.start();
        int tasks = 200;
        CountDownLatch ran = new CountDownLatch(tasks);
        Set<Integer> seen = ConcurrentHashMap.newKeySet();
        try (ExecutorService callers = Executors.newFixedThreadPool(8)) {
            for (int i = 0; i < tasks; i++) {
                int n = i;
                callers.execute(() -> threads.start("t-" + n, () -> {
                    assertThat(seen.add(n)).isTrue();
                    ran.countDown();
                }));
            }
        }
        assertThat(ran.await(30, TimeUnit.SECONDS)).isTrue();
        assertThat(seen).hasSize(tasks);
        await(() -> threads.waiting() == 3);
        await(() -> idleThreads().size() == 3); // the rest ended
        threads.close();
        await(() -> idleThreads().isEmpty());
    }

    @Test
    void afterCloseATaskStillRunsOnAThreadOfItsOwn() throws Exception {
        ReadyThreads threads = new ReadyThreads(2);
        threads.start();
        threads.close();
        CountDownLatch ran = new CountDownLatch(1);
        threads.start("late", ran::countDown);
        assertThat(ran.await(10, TimeUnit.SECONDS)).isTrue();
        assertThat(threads.waiting()).isZero();
    }

    @Test
    void aNegativeCountIsRefusedNamingIt() {
        assertThatThrownBy(() -> new ReadyThreads(-1)).isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("ready threads must not be negative: -1");
    }

    private static Set<Thread> idleThreads() {
        Set<Thread> idle = ConcurrentHashMap.newKeySet();
        for (Thread t : Thread.getAllStackTraces().keySet()) {
            if (t.getName().equals(ReadyThreads.IDLE_NAME) && t.isAlive()) {
                idle.add(t);
            }
        }
        return idle;
    }

    private static void await(CountDownLatch latch) {
        try {
            latch.await();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    private static void await(BooleanSupplier condition) throws InterruptedException {
        long end = System.nanoTime() + TimeUnit.SECONDS.toNanos(20);
        while (!condition.getAsBoolean()) {
            if (System.nanoTime() > end) {
                throw new AssertionError("condition not met in 20 s");
            }
            Thread.sleep(5);
        }
    }
}
