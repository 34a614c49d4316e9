package io.jshim.plugin.taskrunc.service;

import io.jshim.plugin.taskrunc.container.Container;
import java.util.List;

/** Told when a container is created, started and removed, and when its processes exit (OOM monitoring hooks in). */
public interface ContainerWatch {
    /** The container was created: its init ({@code runc init}) waits in the container's cgroups to be started. */
    void created(Container container);

    /** The container's init was started and its start event published (it may have exited already). */
    void started(Container container);

    /** A process of the container was reaped; its exit is published once this returns. */
    void exiting(Container container);

    /** The container was deleted. */
    void removed(Container container);

    /** @return a watch telling each of {@code watches}, in order */
    static ContainerWatch all(List<ContainerWatch> watches) {
        List<ContainerWatch> each = List.copyOf(watches);
        return new ContainerWatch() {
            @Override
            public void created(Container container) {
                each.forEach(watch -> watch.created(container));
            }

            @Override
            public void started(Container container) {
                each.forEach(watch -> watch.started(container));
            }

            @Override
            public void exiting(Container container) {
                each.forEach(watch -> watch.exiting(container));
            }

            @Override
            public void removed(Container container) {
                each.forEach(watch -> watch.removed(container));
            }
        };
    }

    /** Watches nothing. */
    ContainerWatch NONE = new ContainerWatch() {
        @Override
        public void created(Container container) {
        }

        @Override
        public void started(Container container) {
        }

        @Override
        public void exiting(Container container) {
        }

        @Override
        public void removed(Container container) {
        }
    };
}
