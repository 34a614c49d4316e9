package io.jshim.dist.faults;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowable;

import com.google.protobuf.Any;
import com.google.protobuf.ByteString;
import io.jshim.api.task.v2.CreateTaskRequest;
import io.jshim.api.task.v2.ExecProcessRequest;
import io.jshim.api.task.v2.TaskTtrpc;
import io.jshim.dist.testing.ShimUnderTest;
import io.jshim.testing.containerd.PrivateContainerd;
import io.jshim.testing.containerd.ShimProcess;
import io.jshim.ttrpc.Status;
import io.jshim.ttrpc.TtrpcClient;
import io.jshim.ttrpc.TtrpcException;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Set;
import java.util.TreeSet;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;

/**
 * Security 8: container and exec ids are checked like containerd's identifiers before any file is touched.
 * containerd refuses such ids itself, so the requests go straight to a live shim's socket over TTRPC, each with a
 * request that would otherwise succeed (a copy of a real bundle, a valid process spec): jrunc answers
 * InvalidArgument and nothing appears in the bundles, runc's state, the shim sockets' dir or the work dir.
 * jrunc only (always, as the assembly is built before this phase): the Go shim leaves this to containerd and, over
 * its socket directly, accepts exec id {@code ../x}.
 */
class IdValidationIT extends FaultBase {
  private static final Path SOCKETS = Path.of("/run/containerd/s");
  private static final String PROCESS_SPEC = "types.containerd.io/opencontainers/runtime-spec/1/Process";
  private static final List<String> BAD_IDS = List.of("../x", "..", "/", "/x", "a/b", "a/../../../escaped",
      "a".repeat(77), "a\nb", "a\tb", "a\u0001b", "a\u0000b", "-a", "a b");

  @Test
  void badIdsAreRefusedBeforeAnyFileIsTouched() throws Exception {
    ShimUnderTest shim = ShimUnderTest.JRUNC;
    String survivor = startSleeper(shim, "ids");
    try {
      ShimProcess daemon = containerd.shims().await(namespace, survivor, Duration.ofSeconds(10));
      Path survivorBundle = containerd.shims().bundle(namespace, survivor);
      Path bundle = Files.createDirectories(workDir.resolve("bundle-" + shim.name().toLowerCase()));
      Files.copy(survivorBundle.resolve("config.json"), bundle.resolve("config.json"));
      Set<Path> foreign = foreignNamespaces();
      Set<String> before = snapshot(foreign, survivorBundle, bundle);
      try (TtrpcClient client = TtrpcClient.connect(daemon.socket())) {
        TaskTtrpc.TaskBlockingStub task = TaskTtrpc.newBlockingStub(client);
        for (String bad : BAD_IDS) {
          Throwable create = catchThrowable(() -> task.create(CreateTaskRequest.newBuilder().setId(bad)
              .setBundle(bundle.toString()).build()));
          assertRefused(shim, "create " + printable(bad), create);
          Throwable exec = catchThrowable(() -> task.exec(ExecProcessRequest.newBuilder().setId(survivor).setExecId(bad)
              .setSpec(Any.newBuilder().setTypeUrl(PROCESS_SPEC).setValue(ByteString.copyFrom(
                  "{\"args\":[\"/bin/true\"],\"cwd\":\"/\",\"user\":{\"uid\":0,\"gid\":0}}", StandardCharsets.UTF_8)))
              .build()));
          assertRefused(shim, "exec " + printable(bad), exec);
          Throwable execInBadContainer = catchThrowable(() -> task.exec(ExecProcessRequest.newBuilder().setId(bad)
              .setExecId("fine").build()));
          assertThat(execInBadContainer).as("exec in container %s", printable(bad)).isInstanceOf(TtrpcException.class);
        }
      }
      assertThat(snapshot(foreign, survivorBundle, bundle)).as("files after the refused requests").isEqualTo(before);
      assertThat(daemon.isAlive()).isTrue();
      assertThat(ctr.exec(survivor, "still-fine", "/bin/true").exitCode()).isZero();
    } finally {
      remove(survivor);
    }
  }

  private static void assertRefused(ShimUnderTest shim, String what, Throwable error) {
    assertThat(error).as(what).isInstanceOf(TtrpcException.class);
    assertThat(((TtrpcException) error).status().code()).as(what + ": " + error.getMessage()).isEqualTo(Status.Code.INVALID_ARGUMENT);
  }

  private static String printable(String id) {
    StringBuilder out = new StringBuilder();
    id.codePoints().forEach(c -> out.append(c < 0x20 ? String.format("\\x%02x", c) : Character.toString(c)));
    return out.length() > 20 ? out.substring(0, 20) + "...(" + id.length() + ")" : out.toString();
  }

  /**
   * Every path under the places a traversing id could reach, except what other containerds (the host's, other
   * suites') change meanwhile: the contents of the runc state directories of namespaces that existed before, and
   * shim sockets (64 hex digits). A new entry directly in the runc root or the socket directory still counts.
   */
  private static Set<String> snapshot(Set<Path> foreign, Path... extra) throws IOException {
    Set<String> paths = new TreeSet<>();
    List<Path> roots = Stream.concat(Stream.of(PrivateContainerd.RUNC_ROOT, workDir,
        containerd.state().resolve("io.containerd.runtime.v2.task"), SOCKETS), Stream.of(extra)).toList();
    for (Path root : roots) {
      if (Files.exists(root)) {
        try (Stream<Path> walk = Files.walk(root)) {
          walk.filter(path -> !others(path, foreign)).map(Path::toString).forEach(paths::add);
        }
      }
    }
    return paths;
  }

  /** The runc state directories of the namespaces other than this test's. */
  private static Set<Path> foreignNamespaces() throws IOException {
    if (!Files.isDirectory(PrivateContainerd.RUNC_ROOT)) {
      return Set.of();
    }
    try (Stream<Path> dirs = Files.list(PrivateContainerd.RUNC_ROOT)) {
      return dirs.filter(Files::isDirectory).filter(dir -> !dir.getFileName().toString().equals(namespace))
          .collect(java.util.stream.Collectors.toSet());
    }
  }

  private static boolean others(Path path, Set<Path> foreign) {
    if (path.getParent() != null && foreign.stream().anyMatch(dir -> path.startsWith(dir) && !path.equals(dir))) {
      return true;
    }
    return path.startsWith(SOCKETS) && !path.equals(SOCKETS)
        && path.getFileName().toString().matches("[0-9a-f]{64}(\\.debug)?");
  }
}
