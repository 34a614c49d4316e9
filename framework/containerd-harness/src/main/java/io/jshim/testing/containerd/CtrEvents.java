package io.jshim.testing.containerd;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.TimeUnit;
import java.util.function.Predicate;

/**
 * A live {@code ctr events} stream: a subprocess whose stdout lines are collected on a virtual thread.
 * ctr 1.6 prints {@code <timestamp> <namespace> <topic> <json>} per event.
 */
public final class CtrEvents implements AutoCloseable {
  private final Process process;
  private final List<String> lines = new ArrayList<>(); // guarded by lines
  private final Thread reader;

  private CtrEvents(Process process) {
    this.process = process;
    this.reader = Thread.ofVirtual().name("ctr-events").start(this::readLines);
  }

  static CtrEvents start(List<String> argv) {
    try {
      return new CtrEvents(new ProcessBuilder(argv).redirectErrorStream(true).start());
    } catch (IOException e) {
      throw new HarnessException("failed to start " + String.join(" ", argv) + ": " + e.getMessage(), e);
    }
  }

  /** @return every line seen so far */
  public List<String> lines() {
    synchronized (lines) {
      return List.copyOf(lines);
    }
  }

  /** @return every event seen so far, parsed */
  public List<CtrEvent> events() {
    return lines().stream().map(CtrEvent::parse).flatMap(Optional::stream).toList();
  }

  /**
   * @param namespace a containerd namespace
   * @return the events of that namespace, in order
   */
  public List<CtrEvent> events(String namespace) {
    return events().stream().filter(event -> event.namespace().equals(namespace)).toList();
  }

  /**
   * Waits for a line matching {@code predicate} (already seen lines count).
   *
   * @param predicate what to look for
   * @param timeout how long to wait
   * @return the first matching line, or empty on timeout
   */
  public Optional<String> awaitLine(Predicate<String> predicate, Duration timeout) {
    long deadline = System.nanoTime() + timeout.toNanos();
    synchronized (lines) {
      while (true) {
        Optional<String> match = lines.stream().filter(predicate).findFirst();
        if (match.isPresent()) {
          return match;
        }
        long left = deadline - System.nanoTime();
        if (left <= 0) {
          return Optional.empty();
        }
        try {
          TimeUnit.NANOSECONDS.timedWait(lines, left);
        } catch (InterruptedException e) {
          Thread.currentThread().interrupt();
          return Optional.empty();
        }
      }
    }
  }

  /**
   * Waits for an event of {@code namespace} with {@code topic} whose JSON contains {@code fragment}.
   *
   * @param namespace the namespace
   * @param topic e.g. {@code /tasks/exit}
   * @param fragment a substring of the event JSON, e.g. {@code "container_id":"c1"}; empty for any
   * @param timeout how long to wait
   * @return the event
   * @throws HarnessException naming what was seen when none arrives in time
   */
  public CtrEvent await(String namespace, String topic, String fragment, Duration timeout) {
    Predicate<String> matches = line -> CtrEvent.parse(line)
        .filter(event -> event.namespace().equals(namespace) && event.topic().equals(topic) && event.json().contains(fragment))
        .isPresent();
    return awaitLine(matches, timeout).flatMap(CtrEvent::parse).orElseThrow(() -> new HarnessException(
        "failed to see event " + topic + " with " + fragment + " in namespace " + namespace + " within " + timeout
            + "; seen: " + lines()));
  }

  private void readLines() {
    try (BufferedReader in = new BufferedReader(new InputStreamReader(process.getInputStream(), StandardCharsets.UTF_8))) {
      String line;
      while ((line = in.readLine()) != null) {
        synchronized (lines) {
          lines.add(line);
          lines.notifyAll();
        }
      }
    } catch (IOException e) {
      // the stream ends when ctr is killed
    }
  }

  /** Kills ctr (by pid) and waits for it. */
  @Override
  public void close() {
    process.destroyForcibly();
    try {
      process.waitFor(5, TimeUnit.SECONDS);
      reader.join(Duration.ofSeconds(2));
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }
}
