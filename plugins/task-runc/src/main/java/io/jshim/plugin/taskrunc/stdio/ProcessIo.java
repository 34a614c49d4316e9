package io.jshim.plugin.taskrunc.stdio;

import io.jshim.plugin.taskrunc.runc.CommandRunner.ChildStdio;

import java.time.Duration;

/**
 * The stdio of one container process, owned by the shim: what runc hands to the process, the copies to the
 * client's FIFOs (or log files or a logging binary), and their end.
 */
public interface ProcessIo extends AutoCloseable {

    /** The fds the process gets as 0, 1, 2 through runc ({@code -1}: /dev/null). */
    ChildStdio childStdio();

    /** Called once runc has created the process: closes the shim's copies of the child's pipe ends. */
    void childStarted();

    /**
     * Waits until everything the process wrote on stdout/stderr was copied out (EOF on its pipes).
     *
     * @return false when {@code timeout} elapsed first
     */
    boolean awaitOutputCopied(Duration timeout) throws InterruptedException;

    /**
     * CloseIO: closes the shim's own writer of the stdin FIFO. The process still receives everything the client
     * wrote, then EOF once the client closed its end too (a terminal is then hung up, as with the Go shim).
     */
    void closeStdin();

    /** Resizes the process's terminal (ResizePty); a process without one ignores it, as with the Go shim. */
    default void resizePty(int width, int height) {
    }

    /** Takes the pty master runc sent over the console socket and starts copying it. */
    default void attachConsole(int masterFd) {
        throw new IllegalStateException("process has no terminal");
    }

    /** Releases every fd and stops the copies. */
    @Override
    void close();

    /** IO for a process that asked for none: runc gives it /dev/null. */
    ProcessIo NULL = new ProcessIo() {
        @Override
        public ChildStdio childStdio() {
            return new ChildStdio(-1, -1, -1);
        }

        @Override
        public void childStarted() {
        }

        @Override
        public boolean awaitOutputCopied(Duration timeout) {
            return true;
        }

        @Override
        public void closeStdin() {
        }

        @Override
        public void close() {
        }
    };
}
