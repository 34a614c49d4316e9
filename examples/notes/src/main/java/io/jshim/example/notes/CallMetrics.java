package io.jshim.example.notes;

import io.jshim.example.notes.v1.MethodStats;
import java.util.List;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentMap;
import java.util.concurrent.atomic.LongAccumulator;
import java.util.concurrent.atomic.LongAdder;

/** Calls, errors and latency per TTRPC method, updated by {@link MetricsInterceptor}; thread-safe. */
final class CallMetrics {
    private final ConcurrentMap<String, Counters> byMethod = new ConcurrentHashMap<>();

    void record(String method, boolean ok, long micros) {
        Counters counters = byMethod.computeIfAbsent(method, m -> new Counters());
        counters.calls.increment();
        if (!ok) {
            counters.errors.increment();
        }
        counters.totalMicros.add(micros);
        counters.maxMicros.accumulate(micros);
    }

    /** A snapshot, sorted by method name. */
    List<MethodStats> snapshot() {
        return byMethod.entrySet().stream()
                .sorted(java.util.Map.Entry.comparingByKey())
                .map(e -> MethodStats.newBuilder()
                        .setMethod(e.getKey())
                        .setCalls(e.getValue().calls.sum())
                        .setErrors(e.getValue().errors.sum())
                        .setTotalMicros(e.getValue().totalMicros.sum())
                        .setMaxMicros(e.getValue().maxMicros.get())
                        .build())
                .toList();
    }

    private static final class Counters {
        final LongAdder calls = new LongAdder();
        final LongAdder errors = new LongAdder();
        final LongAdder totalMicros = new LongAdder();
        final LongAccumulator maxMicros = new LongAccumulator(Math::max, 0);
    }
}
