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

    @Test
    void aHeldProcessesExitWaitsUntilItIsStartedAgain() {
        try (ExitTracker.Window create = tracker.open()) {
            create.started(11, handled::add);
        }
        Exit exit = new Exit(11, 0, Instant.now());
        try (ExitTracker.Window start = tracker.open()) {
            List<java.util.function.Consumer<Exit>> held = start.hold(11);
            assertThat(held).hasSize(1);
            tracker.onExit(exit);
            assertThat(handled).as("held while the start event is not out").isEmpty();
            held.forEach(h -> start.started(11, h));
        }
        assertThat(handled).containsExactly(exit);
        assertThat(tracker.watched()).isZero();
    }

    @Test
    void holdingAProcessWhoseExitWasHandledTakesNothing() {
        try (ExitTracker.Window create = tracker.open()) {
            create.started(12, handled::add);
        }
        tracker.onExit(new Exit(12, 9, Instant.now()));
        try (ExitTracker.Window start = tracker.open()) {
            assertThat(start.hold(12)).isEmpty();
        }
        assertThat(handled).hasSize(1);
    }
}
