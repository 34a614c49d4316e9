package io.jshim.plugin.taskrunc.process;

import io.jshim.plugin.taskrunc.error.TaskException;
import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatCode;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class LifecycleTest {
    @Test
    void initGoesCreatedRunningPausedRunningStoppedDeleted() {
        Lifecycle l = new Lifecycle(true, ProcessStatus.CREATED);
        l.require(Operation.START);
        l.moveTo(ProcessStatus.RUNNING);
        l.require(Operation.PAUSE);
        l.moveTo(ProcessStatus.PAUSED);
        l.require(Operation.RESUME);
        l.moveTo(ProcessStatus.RUNNING);
        assertThat(l.exited()).isTrue();
        assertThat(l.status()).isEqualTo(ProcessStatus.STOPPED);
        assertThat(l.exited()).isFalse();
        l.require(Operation.DELETE);
        l.moveTo(ProcessStatus.DELETED);
        assertThat(l.status()).isEqualTo(ProcessStatus.DELETED);
    }

    @Test
    void deletingARunningProcessIsAFailedPrecondition() {
        Lifecycle l = new Lifecycle(true, ProcessStatus.RUNNING);
        assertThatThrownBy(() -> l.require(Operation.DELETE))
                .isInstanceOf(TaskException.FailedPrecondition.class)
                .hasMessage("cannot delete a running process");
    }

    @Test
    void startingTwiceOrPausingCreatedFails() {
        assertThatThrownBy(() -> new Lifecycle(true, ProcessStatus.RUNNING).require(Operation.START))
                .hasMessage("cannot start a running process");
        assertThatThrownBy(() -> new Lifecycle(true, ProcessStatus.CREATED).require(Operation.PAUSE))
                .hasMessage("cannot pause a created process");
        assertThatThrownBy(() -> new Lifecycle(true, ProcessStatus.STOPPED).require(Operation.EXEC))
                .hasMessage("cannot exec a stopped process");
        assertThatThrownBy(() -> new Lifecycle(true, ProcessStatus.DELETED).require(Operation.KILL))
                .hasMessage("cannot kill a deleted process");
    }

    @Test
    void execProcessesCannotBePausedButCanBeKilledAndDeleted() {
        Lifecycle exec = new Lifecycle(false, ProcessStatus.RUNNING);
        assertThatThrownBy(() -> exec.require(Operation.PAUSE)).hasMessage("cannot pause an exec'd process");
        assertThatCode(() -> exec.require(Operation.KILL)).doesNotThrowAnyException();
        exec.exited();
        assertThatCode(() -> exec.require(Operation.DELETE)).doesNotThrowAnyException();
    }

    @Test
    void illegalTransitionIsABug() {
        Lifecycle l = new Lifecycle(true, ProcessStatus.STOPPED);
        assertThatThrownBy(() -> l.moveTo(ProcessStatus.RUNNING)).isInstanceOf(IllegalStateException.class)
                .hasMessageContaining("stopped -> running");
    }
}
