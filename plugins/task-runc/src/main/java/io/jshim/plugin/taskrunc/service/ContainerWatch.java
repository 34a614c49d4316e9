package io.jshim.plugin.taskrunc.service;

import io.jshim.plugin.taskrunc.container.Container;

/** Told when a container starts and when it is removed (OOM monitoring hooks in here). */
public interface ContainerWatch {
    /** The container's init was started. */
    void started(Container container);

    /** The container was deleted. */
    void removed(Container container);

    /** Watches nothing. */
    ContainerWatch NONE = new ContainerWatch() {
        @Override
        public void started(Container container) {
        }

        @Override
        public void removed(Container container) {
        }
    };
}
