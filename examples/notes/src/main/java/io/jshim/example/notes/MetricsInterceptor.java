package io.jshim.example.notes;

import static java.util.Objects.requireNonNull;

import com.google.inject.Inject;
import com.google.protobuf.MessageLite;
import io.jshim.ttrpc.RequestContext;
import io.jshim.ttrpc.ServerInterceptor;
import io.jshim.ttrpc.Status;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Measures every call the shim serves (all services, not only this plugin's): count, errors and latency
 * per method into {@link CallMetrics}, and, with {@code audit-log = true}, one info line per call.
 */
final class MetricsInterceptor implements ServerInterceptor {
    private static final Logger log = LoggerFactory.getLogger(MetricsInterceptor.class);

    private final CallMetrics metrics;
    private final NotesSettings settings;

    @Inject
    MetricsInterceptor(CallMetrics metrics, NotesSettings settings) {
        this.metrics = requireNonNull(metrics, "metrics is null");
        this.settings = requireNonNull(settings, "settings is null");
    }

    @Override
    public MessageLite interceptUnary(RequestContext context, MessageLite request, Next next) throws Exception {
        long start = System.nanoTime();
        Status.Code code = Status.Code.OK;
        try {
            return next.proceed(request);
        } catch (Exception e) {
            code = Status.fromThrowable(e).code();
            throw e;
        } finally {
            long micros = (System.nanoTime() - start) / 1_000;
            metrics.record(context.fullMethodName(), code == Status.Code.OK, micros);
            if (settings.auditLog()) {
                log.atInfo().addKeyValue("method", context.fullMethodName()).addKeyValue("code", code)
                        .addKeyValue("micros", micros)
                        .addKeyValue("peer", context.peer().map(p -> p.user().getName()).orElse("unknown"))
                        .log("ttrpc call");
            }
        }
    }
}
