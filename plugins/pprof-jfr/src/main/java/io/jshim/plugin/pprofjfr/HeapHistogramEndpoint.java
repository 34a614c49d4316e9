package io.jshim.plugin.pprofjfr;

import static java.util.Objects.requireNonNull;

/** {@code /debug/heap/histogram}: instances and bytes per class ({@code jcmd GC.class_histogram}). */
final class HeapHistogramEndpoint implements Endpoint {
    private final DiagnosticCommands commands;

    HeapHistogramEndpoint(DiagnosticCommands commands) {
        this.commands = requireNonNull(commands, "commands is null");
    }

    @Override
    public Reply handle(Query query) throws Exception {
        boolean all = Flags.parse(query, "all", false);
        return Reply.plainText(all ? commands.run("gcClassHistogram", "-all") : commands.run("gcClassHistogram"));
    }
}
