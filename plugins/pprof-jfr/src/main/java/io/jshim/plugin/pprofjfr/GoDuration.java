package io.jshim.plugin.pprofjfr;

import java.time.Duration;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/** Reads and writes durations the way Go's {@code time.ParseDuration} spells them: {@code 30s}, {@code 5m}, {@code 1m30s}. */
final class GoDuration {
    private static final Pattern WHOLE = Pattern.compile("(?:\\d+(?:h|ms|m|s))+");
    private static final Pattern PART = Pattern.compile("(\\d+)(h|ms|m|s)");

    private GoDuration() {}

    /**
     * Parses a sequence of integer-and-unit parts (units {@code h}, {@code m}, {@code s}, {@code ms}).
     *
     * @throws IllegalArgumentException when {@code text} is not such a sequence
     */
    static Duration parse(String text) {
        if (text == null || !WHOLE.matcher(text).matches()) {
            throw new IllegalArgumentException("not a duration: \"" + text + "\"");
        }
        Duration total = Duration.ZERO;
        Matcher part = PART.matcher(text);
        while (part.find()) {
            long amount;
            try {
                amount = Long.parseLong(part.group(1));
            } catch (NumberFormatException e) {
                throw new IllegalArgumentException("duration out of range: \"" + text + "\"", e);
            }
            total = total.plus(switch (part.group(2)) {
                case "h" -> Duration.ofHours(amount);
                case "m" -> Duration.ofMinutes(amount);
                case "s" -> Duration.ofSeconds(amount);
                case "ms" -> Duration.ofMillis(amount);
                default -> throw new IllegalStateException("unit not in pattern: " + part.group(2));
            });
        }
        return total;
    }

    /** Formats whole hours, minutes, seconds and milliseconds, Go style: {@code 1h2m3s}, {@code 1.5s}, {@code 0s}. */
    static String format(Duration duration) {
        if (duration.isZero()) {
            return "0s";
        }
        StringBuilder text = new StringBuilder();
        if (duration.isNegative()) {
            text.append('-');
            duration = duration.negated();
        }
        long hours = duration.toHours();
        int minutes = duration.toMinutesPart();
        int seconds = duration.toSecondsPart();
        int millis = duration.toMillisPart();
        if (hours > 0) {
            text.append(hours).append('h');
        }
        if (hours > 0 || minutes > 0) {
            text.append(minutes).append('m');
        }
        text.append(seconds);
        if (millis > 0) {
            text.append('.').append(String.format("%03d", millis).replaceAll("0+$", ""));
        }
        return text.append('s').toString();
    }
}
