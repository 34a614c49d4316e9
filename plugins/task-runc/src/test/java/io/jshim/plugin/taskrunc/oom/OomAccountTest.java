package io.jshim.plugin.taskrunc.oom;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

import java.util.ArrayList;
import java.util.List;
import java.util.OptionalLong;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;

import static org.assertj.core.api.Assertions.assertThat;

/** One container's account of its OOM kills, shared by the cgroup watch and the exit check. */
@Timeout(value = 60, unit = TimeUnit.SECONDS)
class OomAccountTest {
    private final List<String> published = new ArrayList<>();
    private final OomAccount account = new OomAccount(0, () -> published.add("oom"));

    @Test
    void killsCountedBeforeTheContainerExistedAreNotItsOwn() {
        OomAccount reused = new OomAccount(2, () -> published.add("oom"));
        reused.open(OptionalLong.of(2));
        reused.seen(3);
        reused.settle(OptionalLong.of(3));

        assertThat(published).hasSize(1);
    }

    @Test
    void whatTheWatchSeesBeforeTheStartEventIsPublishedWhenItIsOut() {
        account.seen(1);
        account.seenWithoutKill();
        assertThat(published).as("before the start event").isEmpty();

        published.add("start");
        account.open(OptionalLong.of(1));

        assertThat(published).containsExactly("start", "oom", "oom");
    }

    @Test
    void onceOpenEachKillTheWatchSeesIsPublishedOnce() {
        account.open(OptionalLong.of(0));
        account.seen(1);
        account.seen(1);
        account.seen(3);

        assertThat(published).as("one event per kill").hasSize(3);
    }

    @Test
    void theExitCheckPublishesWhatTheWatchMissedAndTheWatchDoesNotRepeatIt() {
        account.open(OptionalLong.of(0));
        account.settle(OptionalLong.of(1));
        published.add("exit");
        account.seen(1);

        assertThat(published).containsExactly("oom", "exit");
    }

    @Test
    void theExitCheckAddsNothingToWhatTheWatchPublished() {
        account.open(OptionalLong.of(0));
        account.seen(1);
        account.settle(OptionalLong.of(1));
        published.add("exit");

        assertThat(published).containsExactly("oom", "exit");
    }

    @Test
    void theExitCheckPublishesWhenTheStartFailedAndNoStartEventCame() {
        account.seen(1);
        account.settle(OptionalLong.of(1));

        assertThat(published).containsExactly("oom");
    }

    @Test
    void anUnreadableCounterPublishesOnlyWhatWasHeld() {
        account.seenWithoutKill();
        account.settle(OptionalLong.empty());
        account.open(OptionalLong.empty());
        account.seenWithoutKill();

        assertThat(published).hasSize(2);
        assertThat(account.accounted()).isZero();
    }

    @Test
    void concurrentWatchAndExitChecksPublishEachKillOnceAndAnExitCheckReturnsAfterItsKillsWereQueued()
            throws Exception {
        AtomicLong events = new AtomicLong();
        OomAccount shared = new OomAccount(0, events::incrementAndGet);
        shared.open(OptionalLong.of(0));
        AtomicLong kernel = new AtomicLong();
        List<Thread> threads = new ArrayList<>();
        List<String> violations = java.util.Collections.synchronizedList(new ArrayList<>());
        for (int t = 0; t < 8; t++) {
            boolean exitChecker = t % 2 == 0;
            threads.add(Thread.ofPlatform().start(() -> {
                for (int i = 0; i < 2_000; i++) {
                    long kills = ThreadLocalRandom.current().nextInt(4) == 0 ? kernel.incrementAndGet() : kernel.get();
                    if (exitChecker) {
                        shared.settle(OptionalLong.of(kills));
                        if (events.get() < kills) {
                            violations.add("exit check at " + kills + " returned with " + events.get() + " events");
                        }
                    } else {
                        shared.seen(kills);
                    }
                }
            }));
        }
        for (Thread thread : threads) {
            thread.join();
        }
        shared.settle(OptionalLong.of(kernel.get()));

        assertThat(violations).isEmpty();
        assertThat(events.get()).as("one event per kill").isEqualTo(kernel.get());
    }
}
