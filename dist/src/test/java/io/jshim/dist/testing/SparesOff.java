package io.jshim.dist.testing;

import com.typesafe.config.ConfigException;
import com.typesafe.config.ConfigFactory;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.stream.Stream;

/**
 * The spares-off run of the e2e, fault and CRI suites (dist/pom.xml, profile {@code spares-off}): with system property
 * {@value #PROPERTY} = true every shim is configured through {@code JSHIM_CONFIG} (which containerd passes on to each
 * shim) with {@code jshim.spare.count = 0}. Its checks fail a run that would only look like one with spares off: a
 * configuration that does not turn them off, or a spare directory or process appearing anyway. Without the property
 * (the default run, spares on) they do nothing.
 */
public final class SparesOff {
  /** System property: this run's shims must start no warm spare. */
  public static final String PROPERTY = "jshim.e2e.spares-off";
  /** The launcher's configuration variable, from failsafe's environment. */
  private static final String CONFIG_ENV = "JSHIM_CONFIG";

  private SparesOff() {
  }

  /** @return whether this is the spares-off run */
  public static boolean active() {
    return Boolean.getBoolean(PROPERTY);
  }

  /**
   * In the spares-off run, checks the configuration every shim gets: {@code JSHIM_CONFIG} names a file that sets
   * {@code jshim.spare.count = 0} and has no include or substitution (which would turn off the launcher's JVM-less
   * join, lib/jshim/sh/identity.sh, so that this run would not cover it).
   *
   * @throws AssertionError naming the file and what is wrong with it
   */
  public static void requireConfiguration() {
    if (!active()) {
      return;
    }
    String value = System.getenv(CONFIG_ENV);
    if (value == null || value.isBlank()) {
      throw new AssertionError(PROPERTY + " is set but " + CONFIG_ENV + " is not: the shims would run the default "
          + "configuration (spares on); dist/pom.xml's spares-off execution sets it");
    }
    Path config = Path.of(value);
    String text;
    try {
      text = Files.readString(config, StandardCharsets.UTF_8);
    } catch (IOException e) {
      throw new AssertionError("failed to read the spares-off configuration " + config + ": " + e.getMessage(), e);
    }
    for (String line : text.lines().toList()) {
      if (line.contains("${") || line.contains("include")) {
        throw new AssertionError("the spares-off configuration " + config + " has an include or substitution, which "
            + "turns off the launcher's join: " + line.strip());
      }
    }
    int count;
    try {
      count = ConfigFactory.parseString(text).resolve().getInt("jshim.spare.count");
    } catch (ConfigException e) {
      throw new AssertionError("failed to read jshim.spare.count of the spares-off configuration " + config + ": "
          + e.getMessage(), e);
    }
    if (count != 0) {
      throw new AssertionError("the spares-off configuration " + config + " sets jshim.spare.count = " + count);
    }
  }

  /**
   * In the spares-off run, fails when the spare run directory of a containerd holds anything (a policy, an
   * installation directory: the launcher or a JVM treated spares as on) or a spare process of it runs.
   *
   * @param spares the spares of the containerd's {@code JSHIM_SPARE_RUN}
   * @throws AssertionError naming what was found
   */
  public static void assertNoSpare(Spares spares) {
    if (!active()) {
      return;
    }
    List<Path> found = entries(spares.run());
    List<Long> processes = spares.processes();
    if (!found.isEmpty() || !processes.isEmpty()) {
      throw new AssertionError("warm spares in the spares-off run (jshim.spare.count = 0) under " + spares.run()
          + ": " + found + " with " + spares.entries() + ", spare processes " + processes + ", spares.log: "
          + spares.log());
    }
  }

  private static List<Path> entries(Path run) {
    if (!Files.isDirectory(run)) {
      return List.of();
    }
    try (Stream<Path> entries = Files.list(run)) {
      return entries.sorted().toList();
    } catch (IOException e) {
      throw new AssertionError("failed to list the spare run directory " + run + ": " + e.getMessage(), e);
    }
  }
}
