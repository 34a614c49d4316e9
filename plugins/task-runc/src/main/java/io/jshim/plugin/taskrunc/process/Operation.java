package io.jshim.plugin.taskrunc.process;

import java.util.Locale;

/** Operations whose legality depends on the process state. */
public enum Operation {
    START, DELETE, PAUSE, RESUME, KILL, EXEC, UPDATE, CHECKPOINT, RESIZE;

    String verb() {
        return name().toLowerCase(Locale.ROOT);
    }
}
