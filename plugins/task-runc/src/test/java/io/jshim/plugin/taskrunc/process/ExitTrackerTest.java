package io.jshim.plugin.taskrunc.process;

import org.junit.jupiter.api.Test;

import java.time.Instant;
import java.util.ArrayList;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;

class ExitTrackerTest {
    private final ExitTracker tracker = new ExitTracker();
    private final List<Exit> handled = new ArrayList<>();

    @Test
    void exitBeforeStartedIsDeliveredWhenStartedIsCalled() {
        Exit exit = new Exit(42, 0, Instant.now());
        try (ExitTracker.Window w = tracker.open()) {
            tracker.onExit(exit);
            assertThat(handled).isEmpty();
            w.started(42, handled::add);
        }
        assertThat(handled).containsExactly(exit);
        assertThat(tracker.watched()).isZero();
    }

    @Test
    void exitAfterStartedRunsTheRegisteredHandlerOnce() {
        try (ExitTracker.Window w = tracker.open()) {
            w.started(7, handled::add);
        }
        tracker.onExit(new Exit(8, 1, Instant.now()));
        assertThat(handled).isEmpty();
        Exit exit = new Exit(7, 137, Instant.now());
        tracker.onExit(exit);
        tracker.onExit(exit);
        assertThat(handled).containsExactly(exit);
    }

    @Test
    void exitsAreNotRememberedOutsideAWindow() {
        tracker.onExit(new Exit(9, 0, Instant.now()));
        try (ExitTracker.Window w = tracker.open()) {
            w.started(9, handled::add);
        }
        assertThat(handled).isEmpty();
        assertThat(tracker.watched()).isEqualTo(1);
    }
}
