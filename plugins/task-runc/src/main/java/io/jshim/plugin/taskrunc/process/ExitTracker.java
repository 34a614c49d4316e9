package io.jshim.plugin.taskrunc.process;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import java.util.function.Consumer;

/**
 * Routes reaped exits to the processes they belong to without losing an exit that happens while the process
 * is being created or started (the Go shim's {@code preStart}/{@code running} maps).
 *
 * <p>A caller about to create or start a process opens a {@link Window}. Every exit reaped while the window
 * is open is remembered in it. Once the process's pid is known and its start event published, the caller
 * calls {@link Window#started}: if the pid already exited, the handler runs at once with that exit;
 * otherwise it is registered and runs when the exit arrives. A process registered before (the init, on create)
 * is {@linkplain Window#hold held} while it is started, and registered again after its start event. Exits of pids nobody registered (runc itself,
 * orphans re-parented to the shim) are ignored.
 */
public final class ExitTracker {
    private final Object lock = new Object();
    /** Handlers by pid; guarded by {@link #lock}. */
    private final Map<Integer, List<Consumer<Exit>>> running = new HashMap<>();
    /** Open windows; guarded by {@link #lock}. */
    private final Set<Window> windows = new HashSet<>();

    /** Called for every reaped child (from the reaper's thread). */
    public void onExit(Exit exit) {
        List<Consumer<Exit>> handlers;
        synchronized (lock) {
            for (Window w : windows) {
                w.seen.putIfAbsent(exit.pid(), exit);
            }
            handlers = running.remove(exit.pid());
        }
        if (handlers != null) {
            handlers.forEach(h -> h.accept(exit));
        }
    }

    /** Opens a window that collects exits until closed. */
    public Window open() {
        Window w = new Window();
        synchronized (lock) {
            windows.add(w);
        }
        return w;
    }

    /** Number of pids with a registered handler (for tests and diagnostics). */
    public int watched() {
        synchronized (lock) {
            return running.size();
        }
    }

    /** Exits seen while a create/start/exec was in flight. */
    public final class Window implements AutoCloseable {
        /** Exits seen while open; guarded by the tracker's lock. */
        private final Map<Integer, Exit> seen = new HashMap<>();

        private Window() {
        }

        /**
         * The process with {@code pid} has started: runs {@code handler} now if it already exited, otherwise
         * when it does. Call after the start event was published so that exit follows start.
         */
        public void started(int pid, Consumer<Exit> handler) {
            Objects.requireNonNull(handler, "handler is null");
            Exit early;
            synchronized (lock) {
                early = seen.get(pid);
                if (early == null) {
                    running.computeIfAbsent(pid, p -> new ArrayList<>(1)).add(handler);
                }
            }
            if (early != null) {
                handler.accept(early);
            }
        }

        /**
         * Takes back the handlers registered for {@code pid} (the init, registered on create, about to be started):
         * until {@link #started} is called again for it, its exit only waits in this window, so that it is not
         * handled before the start event is published.
         *
         * @return the handlers taken, empty when none was registered (its exit was handled already)
         */
        public List<Consumer<Exit>> hold(int pid) {
            synchronized (lock) {
                List<Consumer<Exit>> held = running.remove(pid);
                return held == null ? List.of() : held;
            }
        }

        @Override
        public void close() {
            synchronized (lock) {
                windows.remove(this);
            }
        }
    }
}
