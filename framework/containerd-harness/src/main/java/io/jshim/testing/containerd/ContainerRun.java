package io.jshim.testing.containerd;

import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;

/**
 * One {@code ctr run}: {@code ctr run [--rm|-d] --runtime RT [flags] --rootfs DIR ID CMD...}. Immutable; every
 * {@code with*} returns a copy. Name binaries by absolute path: a {@code --rootfs} container gets no PATH.
 *
 * @param runtime the containerd runtime, e.g. {@code io.containerd.runc.v2}
 * @param id the container id
 * @param command the container's argv
 * @param flags extra ctr run flags (placed before {@code --rootfs}), e.g. {@code -t}, {@code --memory-limit N}
 * @param rootfs the rootfs dir; {@code null} means {@link BusyboxRootfs#path()}
 * @param stdin bytes fed to ctr's stdin (so to the container's, with {@code stdin()}); {@code null} for none
 * @param timeout bound on the whole ctr call
 * @param detach {@code -d} instead of {@code --rm}: ctr returns once the task started
 */
public record ContainerRun(String runtime, String id, List<String> command, List<String> flags, Path rootfs,
    byte[] stdin, Duration timeout, boolean detach) {

  /** Validates and copies. */
  public ContainerRun {
    Objects.requireNonNull(runtime, "runtime is null");
    Objects.requireNonNull(id, "id is null");
    command = List.copyOf(command);
    flags = List.copyOf(flags);
    Objects.requireNonNull(timeout, "timeout is null");
  }

  /**
   * @param runtime the containerd runtime
   * @param id the container id
   * @param command the container's argv
   * @return a {@code --rm} run on the busybox rootfs with the default timeout
   */
  public static ContainerRun of(String runtime, String id, String... command) {
    return new ContainerRun(runtime, id, List.of(command), List.of(), null, null, Ctr.DEFAULT_TIMEOUT, false);
  }

  /** @param more flags appended to the ctr run flags @return the copy */
  public ContainerRun withFlags(String... more) {
    List<String> all = new ArrayList<>(flags);
    all.addAll(List.of(more));
    return new ContainerRun(runtime, id, command, all, rootfs, stdin, timeout, detach);
  }

  /** @param dir the rootfs dir @return the copy */
  public ContainerRun withRootfs(Path dir) {
    return new ContainerRun(runtime, id, command, flags, dir, stdin, timeout, detach);
  }

  /** @param input bytes for ctr's stdin, which ctr forwards to the container @return the copy */
  public ContainerRun withStdin(byte[] input) {
    return new ContainerRun(runtime, id, command, flags, rootfs, input.clone(), timeout, detach);
  }

  /** @param bound the ctr call's time bound @return the copy */
  public ContainerRun withTimeout(Duration bound) {
    return new ContainerRun(runtime, id, command, flags, rootfs, stdin, bound, detach);
  }

  /** @return a copy that runs detached ({@code -d}, no {@code --rm}): delete task and container yourself */
  public ContainerRun detached() {
    return new ContainerRun(runtime, id, command, flags, rootfs, stdin, timeout, true);
  }

  /**
   * @param defaultRootfs the rootfs used when none was given; {@code null} for {@link BusyboxRootfs#path()}
   * @return the ctr arguments after {@code ctr --address A --namespace N}
   */
  public List<String> arguments(Path defaultRootfs) {
    List<String> args = new ArrayList<>();
    args.add("run");
    args.add(detach ? "-d" : "--rm");
    args.add("--runtime");
    args.add(runtime);
    args.addAll(flags);
    args.add("--rootfs");
    args.add((rootfs != null ? rootfs : defaultRootfs != null ? defaultRootfs : BusyboxRootfs.path()).toString());
    args.add(id);
    args.addAll(command);
    return args;
  }
}
