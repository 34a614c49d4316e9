package io.jshim.plugin.taskrunc.service;

import io.jshim.plugin.taskrunc.container.Container;

/** Told when a container is created, started and removed (OOM monitoring hooks in here). */
public interface ContainerWatch {
    /** The container was created: its init ({@code runc init}) waits in the container's cgroups to be started. */
    void created(Container container);

    /** The container's init was started (it may have exited already). */
    void started(Container container);

    /** The container was deleted. */
    void removed(Container container);

    /** Watches nothing. */
    ContainerWatch NONE = new ContainerWatch() {
        @Override
        public void created(Container container) {
        }

        @Override
        public void started(Container container) {
        }

        @Override
        public void removed(Container container) {
        }
    };
}
