package io.jshim.testing.containerd;

import java.util.Optional;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * One line of {@code ctr events}: {@code 2024-01-01 10:00:00.000 +0000 UTC ns /tasks/exit {"container_id":...}}.
 *
 * @param namespace the event's namespace
 * @param topic the topic, e.g. {@code /tasks/exit}
 * @param json the event body as ctr printed it (JSON)
 */
public record CtrEvent(String namespace, String topic, String json) {
  private static final Pattern LINE = Pattern.compile(".*? (\\S+) (/\\S+) (\\{.*)$");

  /**
   * @param line a line printed by ctr events
   * @return the event, or empty if the line is not one
   */
  public static Optional<CtrEvent> parse(String line) {
    Matcher matcher = LINE.matcher(line);
    return matcher.matches() ? Optional.of(new CtrEvent(matcher.group(1), matcher.group(2), matcher.group(3))) : Optional.empty();
  }

  /**
   * @param field a JSON field name of the event, e.g. {@code pid}, {@code exit_status}, {@code exec_id}
   * @return its scalar value (strings unquoted), if present
   */
  public Optional<String> field(String field) {
    Matcher matcher = Pattern.compile("\"" + Pattern.quote(field) + "\":(\"((?:[^\"\\\\]|\\\\.)*)\"|[^,}\\]]+)").matcher(json);
    if (!matcher.find()) {
      return Optional.empty();
    }
    return Optional.of(matcher.group(2) != null ? matcher.group(2) : matcher.group(1));
  }
}
