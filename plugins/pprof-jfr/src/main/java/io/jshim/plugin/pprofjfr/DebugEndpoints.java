package io.jshim.plugin.pprofjfr;

import java.util.List;

/** The routes of the debug server, in index order. */
final class DebugEndpoints {
    private DebugEndpoints() {}

    static List<Route> routes(ScratchFiles scratch, JfrRecorder recorder, DiagnosticCommands commands) {
        JfrEndpoints jfr = new JfrEndpoints(recorder, scratch);
        return List.of(
                new Route("/debug/threads", "/debug/threads",
                        "every thread with its stack, virtual threads included (like goroutine?debug=2)",
                        new ThreadDumpEndpoint(scratch)),
                new Route("/debug/jfr/start", "/debug/jfr/start?settings=profile&duration=30s",
                        "start a flight recording; settings " + JfrSettings.allowed() + " (default "
                                + JfrSettings.DEFAULT.configurationName() + "), duration " + GoDuration.format(JfrEndpoints.MIN_DURATION)
                                + " to " + GoDuration.format(JfrEndpoints.MAX_DURATION) + " (default " + JfrEndpoints.DEFAULT_DURATION + ")",
                        jfr.start()),
                new Route("/debug/jfr/stop", "/debug/jfr/stop", "stop the running recording early", jfr.stop()),
                new Route("/debug/jfr/dump", "/debug/jfr/dump",
                        "the .jfr file of the running or last recording (open with JDK Mission Control or `jfr print`)",
                        jfr.dump()),
                new Route("/debug/heap/histogram", "/debug/heap/histogram",
                        "instances and bytes per class of live objects (?all=true: without a full GC, unreachable too)",
                        new HeapHistogramEndpoint(commands)),
                new Route("/debug/heap/dump", "/debug/heap/dump",
                        "an hprof heap dump of live objects (?live=false: all objects)",
                        new HeapDumpEndpoint(scratch)),
                new Route("/debug/vm", "/debug/vm",
                        "VM version, uptime, arguments, flags, threads, memory pools, GC counts and times",
                        new VmReportEndpoint(commands)));
    }
}
