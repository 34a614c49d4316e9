package io.jshim.posix;

import static java.util.Objects.requireNonNull;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.SortedMap;
import java.util.TreeMap;

/**
 * What {@link ProcessCalls#spawn} starts: program, argv, environment, working directory, fd map, session.
 *
 * <p>The child sees exactly the fds of {@link #fdMap()} (child fd -&gt; parent fd); fds 0, 1 and 2 that are not
 * mapped are opened on {@code /dev/null}; every other fd of the parent (including the JVM's own) is closed in
 * the child. Signal dispositions are reset to default and the signal mask is empty in the child.
 *
 * <p>A program without {@code /} is searched in the {@code PATH} of this process ({@code posix_spawnp}).
 */
public final class SpawnRequest {
  private final String program;
  private final List<String> argv;
  private final List<String> env;
  private final Path workingDirectory;
  private final SortedMap<Integer, Integer> fdMap;
  private final boolean newSession;

  private SpawnRequest(Builder b) {
    this.program = b.program;
    this.argv = List.copyOf(b.argv.isEmpty() ? List.of(b.program) : b.argv);
    this.env = b.env == null ? ProcessEnvironment.ENTRIES : List.copyOf(b.env);
    this.workingDirectory = b.workingDirectory;
    this.fdMap = Collections.unmodifiableSortedMap(new TreeMap<>(b.fdMap));
    this.newSession = b.newSession;
  }

  /** This process's environment, which never changes in a JVM: built once, not for every command run. */
  static final class ProcessEnvironment {
    static final List<String> ENTRIES = entries();

    private ProcessEnvironment() {
    }

    private static List<String> entries() {
      List<String> out = new ArrayList<>();
      System.getenv().forEach((k, v) -> out.add(k + "=" + v));
      return List.copyOf(out);
    }
  }

  /** Whether this request runs with this process's environment (the very list built once). */
  boolean inheritsEnvironment() {
    return env == ProcessEnvironment.ENTRIES;
  }

  /** Starts a request for {@code program}; argv defaults to {@code [program]}, env to this process's. */
  public static Builder builder(String program) {
    return new Builder(program);
  }

  /** The program path or name. */
  public String program() {
    return program;
  }

  /** The full argv, argv[0] included. */
  public List<String> argv() {
    return argv;
  }

  /** The environment as {@code KEY=value} entries. */
  public List<String> env() {
    return env;
  }

  /** The child's working directory, if it differs from ours. */
  public Optional<Path> workingDirectory() {
    return Optional.ofNullable(workingDirectory);
  }

  /** Child fd -&gt; parent fd. */
  public SortedMap<Integer, Integer> fdMap() {
    return fdMap;
  }

  /** Whether the child calls {@code setsid} (POSIX_SPAWN_SETSID). */
  public boolean newSession() {
    return newSession;
  }

  @Override
  public String toString() {
    return "SpawnRequest[argv=" + argv + " cwd=" + workingDirectory + " fds=" + fdMap + " setsid=" + newSession + "]";
  }

  /** Builder of {@link SpawnRequest}. */
  public static final class Builder {
    private final String program;
    private final List<String> argv = new ArrayList<>();
    private List<String> env;
    private Path workingDirectory;
    private final SortedMap<Integer, Integer> fdMap = new TreeMap<>();
    private boolean newSession;

    private Builder(String program) {
      this.program = requireNonNull(program, "program is null");
      if (program.isEmpty()) {
        throw new IllegalArgumentException("program is empty");
      }
    }

    /** Sets argv (argv[0] included). */
    public Builder argv(List<String> argv) {
      this.argv.clear();
      this.argv.addAll(argv);
      return this;
    }

    /** Sets argv to {@code [program, args...]}. */
    public Builder args(String... args) {
      this.argv.clear();
      this.argv.add(program);
      this.argv.addAll(List.of(args));
      return this;
    }

    /** Sets argv to {@code [program, args...]}. */
    public Builder args(List<String> args) {
      this.argv.clear();
      this.argv.add(program);
      this.argv.addAll(args);
      return this;
    }

    /** Replaces the environment. */
    public Builder env(Map<String, String> env) {
      this.env = new ArrayList<>();
      env.forEach((k, v) -> this.env.add(k + "=" + v));
      return this;
    }

    /** Replaces the environment with {@code KEY=value} entries. */
    public Builder envEntries(List<String> entries) {
      this.env = List.copyOf(entries);
      return this;
    }

    /** Sets the working directory of the child. */
    public Builder workingDirectory(Path dir) {
      this.workingDirectory = requireNonNull(dir, "dir is null");
      return this;
    }

    /** Makes {@code parentFd} appear as {@code childFd} in the child. */
    public Builder mapFd(int childFd, int parentFd) {
      if (childFd < 0 || parentFd < 0) {
        throw new IllegalArgumentException("fds must be >= 0: child " + childFd + ", parent " + parentFd);
      }
      fdMap.put(childFd, parentFd);
      return this;
    }

    /** Whether the child starts a new session ({@code setsid}). */
    public Builder newSession(boolean newSession) {
      this.newSession = newSession;
      return this;
    }

    /** Builds the immutable request. */
    public SpawnRequest build() {
      return new SpawnRequest(this);
    }
  }
}
