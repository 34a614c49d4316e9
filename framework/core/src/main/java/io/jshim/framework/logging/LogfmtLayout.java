package io.jshim.framework.logging;

import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.time.ZoneId;
import java.time.format.DateTimeFormatter;
import java.util.Locale;
import java.util.Map;
import org.apache.logging.log4j.Level;
import org.apache.logging.log4j.core.LogEvent;
import org.apache.logging.log4j.core.layout.AbstractStringLayout;

/**
 * Formats log events as logrus's text formatter does in containerd's shims, one line per event:
 * {@code time="2024-05-01T10:00:00.123456789+02:00" level=info msg="loading plugin" id=... runtime=...}.
 * slf4j key-value pairs ({@code log.atInfo().addKeyValue(k, v)}) and the fixed fields become
 * {@code key=value}; values with spaces, quotes or '=' are quoted. A throwable becomes {@code error="..."}
 * and, at debug level, its stack trace follows on the next lines.
 */
public final class LogfmtLayout extends AbstractStringLayout {
    private static final DateTimeFormatter TIME = DateTimeFormatter.ofPattern("yyyy-MM-dd'T'HH:mm:ss.SSSSSSSSSXXX", Locale.ROOT)
            .withZone(ZoneId.systemDefault());

    private final Map<String, String> fixedFields;
    private final boolean stackTraces;

    /**
     * @param fixedFields fields appended to every line (e.g. {@code runtime}), in iteration order
     * @param stackTraces whether to append stack traces of logged throwables
     */
    public LogfmtLayout(Map<String, String> fixedFields, boolean stackTraces) {
        super(StandardCharsets.UTF_8);
        this.fixedFields = Map.copyOf(fixedFields);
        this.stackTraces = stackTraces;
    }

    @Override
    public String toSerializable(LogEvent event) {
        StringBuilder line = new StringBuilder(160);
        Instant when = Instant.ofEpochSecond(event.getInstant().getEpochSecond(), event.getInstant().getNanoOfSecond());
        line.append("time=\"").append(TIME.format(when)).append('"');
        line.append(" level=").append(level(event.getLevel()));
        line.append(" msg=").append(quote(event.getMessage().getFormattedMessage()));
        event.getContextData().forEach((key, value) -> field(line, key, String.valueOf(value)));
        if (event.getThrown() != null) {
            field(line, "error", String.valueOf(event.getThrown()));
        }
        fixedFields.entrySet().stream().sorted(Map.Entry.comparingByKey()).forEach(e -> field(line, e.getKey(), e.getValue()));
        line.append('\n');
        if (stackTraces && event.getThrown() != null) {
            StringWriter trace = new StringWriter();
            event.getThrown().printStackTrace(new PrintWriter(trace));
            line.append(trace);
        }
        return line.toString();
    }

    private static void field(StringBuilder line, String key, String value) {
        line.append(' ').append(key).append('=').append(quoteIfNeeded(value));
    }

    static String level(Level level) {
        if (level.isMoreSpecificThan(Level.FATAL)) {
            return "fatal";
        } else if (level.isMoreSpecificThan(Level.ERROR)) {
            return "error";
        } else if (level.isMoreSpecificThan(Level.WARN)) {
            return "warning";
        } else if (level.isMoreSpecificThan(Level.INFO)) {
            return "info";
        } else if (level.isMoreSpecificThan(Level.DEBUG)) {
            return "debug";
        }
        return "trace";
    }

    static String quoteIfNeeded(String value) {
        if (value.isEmpty()) {
            return "\"\"";
        }
        for (int i = 0; i < value.length(); i++) {
            char c = value.charAt(i);
            if (c <= ' ' || c == '"' || c == '=' || c == '\\' || c > '~') {
                return quote(value);
            }
        }
        return value;
    }

    static String quote(String value) {
        StringBuilder out = new StringBuilder(value.length() + 2).append('"');
        for (int i = 0; i < value.length(); i++) {
            char c = value.charAt(i);
            switch (c) {
                case '"' -> out.append("\\\"");
                case '\\' -> out.append("\\\\");
                case '\n' -> out.append("\\n");
                case '\t' -> out.append("\\t");
                case '\r' -> out.append("\\r");
                default -> out.append(c);
            }
        }
        return out.append('"').toString();
    }
}
