package io.jshim.dist.faults;

import static org.assertj.core.api.Assertions.assertThat;

import io.jshim.api.task.v2.DeleteResponse;
import io.jshim.dist.testing.ContainerdSuite;
import io.jshim.dist.testing.ShimUnderTest;
import io.jshim.testing.containerd.CommandResult;
import io.jshim.testing.containerd.CtrEvent;
import io.jshim.testing.containerd.CtrEvents;
import io.jshim.testing.containerd.Mounts;
import io.jshim.testing.containerd.PrivateContainerd;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.security.MessageDigest;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * A Create that fails (issue 12 item 6): containerd then runs the shim binary's {@code delete}, which jrunc answers
 * from the record its daemon left once the failed Create was cleaned up, without a JVM; the Go shim's answer is the
 * yardstick. Both shim binaries are reached through wrappers first on containerd's PATH that log every
 * {@code delete} (exit code, stdout) and run jrunc's with an unusable JVM ({@code -XX:+JSHIM_BOGUS_FLAG}): a
 * {@code delete} that exits 0 with a {@code DeleteResponse} ran no JVM, and a missing log means containerd never ran
 * it, so the check cannot pass by accident. Afterwards nothing is left: no task, no container, no mount under the
 * bundle, no runc state, no bundle, no shim socket.
 */
@Timeout(300)
class FailedCreateIT extends ContainerdSuite {
  private static Path wrappers;
  private static Path deletes;

  @BeforeAll
  static void startContainerd() throws Exception {
    wrappers = Files.createTempDirectory("jshim-failed-create-wrappers-");
    startContainerd("jshim-faults-", wrappers);
    deletes = Files.createDirectories(workDir.resolve("deletes"));
    for (ShimUnderTest shim : ShimUnderTest.values()) {
      writeWrapper(shim);
    }
    BusyboxImage.importInto(ctr, workDir);
  }

  @org.junit.jupiter.api.AfterAll
  static void removeWrappers() throws IOException {
    io.jshim.dist.testing.Directories.deleteRecursively(wrappers);
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("shims")
  void aMissingBinaryFailsWithRuncsMessageAndTheDeleteIsAnsweredWithoutAJvm(ShimUnderTest shim) throws Exception {
    shim.requireBinary();
    String id = id(shim, "nobinary");
    try (CtrEvents events = ctr.events()) {
      CommandResult run = ctr.ctr(null, Duration.ofSeconds(60), List.of("run", "--rm", "--runtime", shim.runtime(),
          BusyboxImage.NAME, id, "/no/such/binary"));

      assertThat(run.exitCode()).as(run.toString()).isNotZero();
      assertThat(run.stderr()).contains("OCI runtime create failed")
          .contains("exec: \"/no/such/binary\": stat /no/such/binary: no such file or directory");
      DeleteResponse answer = awaitDeleteAnswer(id);
      // the Go shim's answer without init.pid: go-runc's ReadPidFile gives -1, sent as uint32
      assertThat(Integer.toUnsignedLong(answer.getPid())).isEqualTo(4294967295L);
      assertThat(answer.getExitStatus()).isEqualTo(137);
      assertThat(answer.getExitedAt().getSeconds()).isPositive();
      assertNothingLeft(id);
      // containerd drops the task from its list before it deletes it: no /tasks/* event for a failed Create
      // the cleanup above is over (bundle removed), so an event of it would be in the stream before this marker
      String marker = "failed-create-done-" + id;
      ctr.ctr("namespaces", "label", namespace, "jshim.test.marker=" + marker).orThrow();
      assertThat(events.awaitLine(line -> line.contains(marker), Duration.ofSeconds(20))).as("marker event").isPresent();
      List<CtrEvent> tasks = events.events(namespace).stream().filter(e -> e.topic().startsWith("/tasks/"))
          .filter(e -> e.field("container_id").filter(id::equals).isPresent()).toList();
      assertThat(tasks).as("task events of %s", id).isEmpty();
    } finally {
      remove(id);
    }
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("shims")
  void aStartThatFailsIsDeletedByTheClientAndTheDeleteIsAnsweredWithoutAJvm(ShimUnderTest shim) throws Exception {
    shim.requireBinary();
    String id = id(shim, "nostart");
    Path runc = workDir.resolve("runc-refusing-start");
    if (!Files.exists(runc)) {
      executable(runc, "#!/bin/sh\nfor arg; do if [ \"$arg\" = start ]; then echo 'start refused by the test' >&2;"
          + " exit 1; fi; done\nexec runc \"$@\"\n");
    }
    List<String> args = new ArrayList<>(List.of("run", "--rm", "--runtime", shim.runtime()));
    args.addAll(shim.runtimeBinaryFlags(runc, workDir));
    args.addAll(List.of(BusyboxImage.NAME, id, "/bin/true"));

    try {
      CommandResult run = ctr.ctr(null, Duration.ofSeconds(60), args);

      assertThat(run.exitCode()).as(run.toString()).isNotZero();
      assertThat(run.stderr()).contains("OCI runtime start failed");
      // ctr leaves the created task behind; a client removes it (containerd deletes a created task only forced)
      ctr.forceDeleteTask(id).orThrow();
      ctr.deleteContainer(id);
      DeleteResponse answer = awaitDeleteAnswer(id);
      assertThat(answer.getExitedAt().getSeconds()).isPositive();
      assertNothingLeft(id);
    } finally {
      remove(id);
    }
  }

  /** The {@code delete} containerd ran for {@code id}: exit code 0 (no JVM for jrunc) and a DeleteResponse. */
  private static DeleteResponse awaitDeleteAnswer(String id) throws Exception {
    Path code = deletes.resolve(id + ".code");
    assertThat(await(() -> Files.exists(code), Duration.ofSeconds(30)))
        .as("containerd ran the shim's delete for %s; containerd's log of it:%n%s", id,
            String.join("\n", containerd.log().lines().filter(l -> l.contains(id)).toList())).isTrue();
    String stderr = Files.readString(deletes.resolve(id + ".err"));
    assertThat(Files.readString(code).strip()).as("delete exit code; stderr: %s", stderr).isEqualTo("0");
    return DeleteResponse.parseFrom(Files.readAllBytes(deletes.resolve(id + ".out")));
  }

  private static void assertNothingLeft(String id) throws Exception {
    Path bundle = containerd.shims().bundle(namespace, id);
    Path socket = shimSocket(id);
    assertThat(await(() -> ctr.taskStatus(id).isEmpty(), Duration.ofSeconds(15))).as("ctr task ls: %s", ctr.taskLs())
        .isTrue();
    assertThat(await(() -> !ctr.ctr("containers", "ls", "-q").stdout().lines().toList().contains(id),
        Duration.ofSeconds(15))).as("ctr c ls").isTrue();
    assertThat(await(() -> !Files.exists(bundle), Duration.ofSeconds(15))).as("bundle %s removed", bundle).isTrue();
    assertThat(Mounts.under(bundle)).isEmpty();
    assertThat(PrivateContainerd.RUNC_ROOT.resolve(namespace).resolve(id)).doesNotExist();
    assertThat(await(() -> !Files.exists(socket), Duration.ofSeconds(15))).as("shim socket %s removed", socket).isTrue();
  }

  /** The shim's socket: {@code /run/containerd/s/} + hex(sha256(address/namespace/id)) (a group of one task). */
  private static Path shimSocket(String id) throws Exception {
    String key = containerd.address() + "/" + namespace + "/" + id;
    byte[] digest = MessageDigest.getInstance("SHA-256").digest(key.getBytes(java.nio.charset.StandardCharsets.UTF_8));
    return Path.of("/run/containerd/s").resolve(HexFormat.of().formatHex(digest));
  }

  /**
   * A {@code containerd-shim-*-v2} that logs each {@code delete} into {@link #deletes} as {@code ID.out},
   * {@code ID.err} and, last, {@code ID.code}, running it with an unusable JVM; other actions run the shim as is.
   */
  private static void writeWrapper(ShimUnderTest shim) throws IOException {
    Path real = shim.binary().toAbsolutePath();
    String script = "#!/bin/sh\n"
        + "for last in \"$@\"; do :; done\n"
        + "if [ \"$last\" = delete ]; then\n"
        + "  id=unknown; prev=\n"
        + "  for arg in \"$@\"; do [ \"$prev\" = -id ] && id=$arg; prev=$arg; done\n"
        + "  log='" + deletes + "'/$id\n"
        + "  JSHIM_JAVA_OPTS=-XX:+JSHIM_BOGUS_FLAG '" + real + "' \"$@\" > \"$log.out\" 2> \"$log.err\"\n"
        + "  code=$?\n"
        + "  echo $code > \"$log.code.tmp\" && mv \"$log.code.tmp\" \"$log.code\"\n"
        + "  cat \"$log.out\"; cat \"$log.err\" >&2\n"
        + "  exit $code\n"
        + "fi\n"
        + "exec '" + real + "' \"$@\"\n";
    executable(wrappers.resolve(shim.binary().getFileName()), script);
  }

  private static void executable(Path file, String script) throws IOException {
    Files.writeString(file, script);
    Files.setPosixFilePermissions(file, PosixFilePermissions.fromString("rwxr-xr-x"));
  }
}
