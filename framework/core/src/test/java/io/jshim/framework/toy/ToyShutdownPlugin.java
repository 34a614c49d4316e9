package io.jshim.framework.toy;

import com.google.inject.AbstractModule;
import com.google.inject.Module;
import io.jshim.framework.plugin.PluginContext;
import io.jshim.framework.plugin.PluginType;
import io.jshim.framework.plugin.ShimBindings;
import io.jshim.framework.plugin.ShimPlugin;
import io.jshim.framework.plugin.ShutdownService;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;

/**
 * The toy shim's {@code io.containerd.internal.v1.shutdown}: a minimal {@link ShutdownService} (the real one is
 * {@code plugins/shutdown}, which cannot be a test dependency of framework/core: it depends on it).
 */
public final class ToyShutdownPlugin implements ShimPlugin {
    @Override
    public PluginType type() {
        return PluginType.INTERNAL;
    }

    @Override
    public String id() {
        return "shutdown";
    }

    @Override
    public Module module(PluginContext context) {
        return new AbstractModule() {
            @Override
            protected void configure() {
                bind(ShutdownService.class).toInstance(new LatchShutdown());
                ShimBindings.expose(binder(), ShutdownService.class);
            }
        };
    }

    /** Callbacks run in reverse order on one thread once {@link #shutdown()} is called. */
    static final class LatchShutdown implements ShutdownService {
        private final CountDownLatch triggered = new CountDownLatch(1);
        private final CountDownLatch done = new CountDownLatch(1);
        private final List<Callback> callbacks = new ArrayList<>(); // guarded by this

        @Override
        public synchronized void register(Callback callback) {
            callbacks.add(callback);
        }

        @Override
        public synchronized void shutdown() {
            if (triggered.getCount() == 0) {
                return;
            }
            triggered.countDown();
            List<Callback> toRun = new ArrayList<>(callbacks.reversed());
            Thread.ofVirtual().name("toy-shutdown").start(() -> {
                for (Callback callback : toRun) {
                    try {
                        callback.run();
                    } catch (Exception ignored) {
                        // a toy: nothing to report to
                    }
                }
                done.countDown();
            });
        }

        @Override
        public boolean isShutdown() {
            return triggered.getCount() == 0;
        }

        @Override
        public void awaitShutdown() throws InterruptedException {
            triggered.await();
        }

        @Override
        public boolean awaitDone(Duration timeout) throws InterruptedException {
            return done.await(timeout.toNanos(), TimeUnit.NANOSECONDS);
        }
    }
}
