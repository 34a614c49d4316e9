package io.jshim.dist.faults;

import static org.assertj.core.api.Assertions.assertThat;

import io.jshim.api.task.v2.TaskTtrpc;
import io.jshim.dist.testing.Directories;
import io.jshim.dist.testing.ShimUnderTest;
import io.jshim.testing.containerd.ShimProcess;
import io.jshim.ttrpc.PeerCredentialsCheck;
import io.jshim.ttrpc.TtrpcServer;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFileAttributes;
import java.nio.file.attribute.PosixFilePermission;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Duration;
import java.util.List;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * Security 7: the shim's socket is 0600 and root's, so another uid cannot even connect; and when the file
 * permissions would let it (a hard link to the live socket in a 0777 dir, the inode made 0666 for the test), the
 * peer-credential check of the TTRPC server closes the connection without an answer, while root through the same
 * link gets one. A tiny Python client ({@code /usr/bin/python3}) run as {@code nobody} through {@code setpriv}
 * reports {@code EACCES} (connect refused by permissions), {@code CLOSED} (accepted, then closed without an
 * answer: the peer check) or {@code RESPONSE} (a TTRPC response frame).
 */
class SocketSecurityIT extends FaultBase {
  private static final String PROBE = """
      import socket, struct, sys
      def varint(n):
          out = b""
          while True:
              b = n & 0x7f
              n >>= 7
              if n:
                  out += bytes([b | 0x80])
              else:
                  return out + bytes([b])
      def field(num, data):
          return varint(num << 3 | 2) + varint(len(data)) + data
      request = field(1, b"containerd.task.v2.Task") + field(2, b"Connect") + field(3, field(1, b"probe"))
      s = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
      s.settimeout(10)
      try:
          s.connect(sys.argv[1])
      except PermissionError:
          print("EACCES"); sys.exit(0)
      data = b""
      try:
          s.sendall(struct.pack(">IIBB", len(request), 1, 1, 0) + request)
          while len(data) < 10:
              chunk = s.recv(4096)
              if not chunk:
                  break
              data += chunk
      except (BrokenPipeError, ConnectionResetError):
          pass
      except socket.timeout:
          print("TIMEOUT"); sys.exit(0)
      print("RESPONSE" if len(data) >= 10 and data[8] == 2 else "CLOSED")
      """;

  private Path openDir;

  @BeforeEach
  void createWorldWritableDir() throws IOException {
    openDir = Files.createTempDirectory(Path.of("/run"), "jshim-peer-");
    Files.setPosixFilePermissions(openDir, PosixFilePermissions.fromString("rwxrwxrwx"));
    Path probe = openDir.resolve("probe.py");
    Files.writeString(probe, PROBE);
    Files.setPosixFilePermissions(probe, PosixFilePermissions.fromString("rw-r--r--"));
  }

  @AfterEach
  void removeDir() throws IOException {
    Directories.deleteRecursively(openDir);
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("shims")
  void shimSocketIsRootOnlyAndThePeerCheckRefusesOtherUids(ShimUnderTest shim) throws Exception {
    String id = startSleeper(shim, "peercred");
    try {
      ShimProcess daemon = containerd.shims().await(namespace, id, Duration.ofSeconds(10));
      Path socket = daemon.socket();
      PosixFileAttributes attributes = Files.readAttributes(socket, PosixFileAttributes.class);
      assertThat(PosixFilePermissions.toString(attributes.permissions())).isEqualTo("rw-------");
      assertThat(attributes.owner().getName()).isEqualTo("root");
      assertThat(probe(socket, true)).isEqualTo("EACCES");
      assertThat(probe(socket, false)).isEqualTo("RESPONSE");

      Path link = openDir.resolve("shim.sock");
      Files.createLink(link, socket);
      Set<PosixFilePermission> before = attributes.permissions();
      try {
        Files.setPosixFilePermissions(link, PosixFilePermissions.fromString("rw-rw-rw-"));
        int logBefore = containerd.log().split("refusing connection", -1).length;
        assertThat(probe(link, true)).as("nobody through a 0666 link").isEqualTo("CLOSED");
        assertThat(probe(link, false)).as("root through the same link").isEqualTo("RESPONSE");
        assertThat(await(() -> containerd.log().split("refusing connection", -1).length > logBefore, Duration.ofSeconds(10)))
            .as("the shim logs the refused peer").isTrue();
      } finally {
        Files.setPosixFilePermissions(socket, before);
        Files.deleteIfExists(link);
      }
      assertThat(daemon.isAlive()).isTrue();
      assertThat(ctr.exec(id, "after-probe", "/bin/true").exitCode()).isZero();
    } finally {
      remove(id);
    }
  }

  @Test
  void ttrpcServerRefusesOtherUidsByPeerCredentialsNotByFilePermissions() throws Exception {
    for (boolean checked : List.of(true, false)) {
      Path socket = openDir.resolve(checked ? "checked.sock" : "open.sock");
      TtrpcServer.Builder builder = TtrpcServer.builder().addService(new TaskTtrpc.TaskImplBase() { });
      if (!checked) {
        builder.peerCredentialsCheck(PeerCredentialsCheck.allowAll());
      }
      TtrpcServer server = builder.build();
      server.serve(socket);
      try {
        Files.setPosixFilePermissions(socket, PosixFilePermissions.fromString("rw-rw-rw-"));
        assertThat(probe(socket, true)).as("nobody, peer check %s", checked ? "on (default)" : "off")
            .isEqualTo(checked ? "CLOSED" : "RESPONSE");
        assertThat(probe(socket, false)).as("root").isEqualTo("RESPONSE");
      } finally {
        server.shutdown(Duration.ofSeconds(2));
      }
    }
  }

  /** Runs the probe as nobody or as root; returns its verdict. */
  private String probe(Path socket, boolean asNobody) throws Exception {
    List<String> python = List.of("/usr/bin/python3", openDir.resolve("probe.py").toString(), socket.toString());
    List<String> command = asNobody
        ? java.util.stream.Stream.concat(java.util.stream.Stream.of("setpriv", "--reuid=nobody", "--regid=nogroup", "--clear-groups"), python.stream()).toList()
        : python;
    Process process = new ProcessBuilder(command).redirectErrorStream(true).start();
    assertThat(process.waitFor(30, TimeUnit.SECONDS)).as("probe %s finishes", command).isTrue();
    String output = new String(process.getInputStream().readAllBytes(), StandardCharsets.UTF_8).strip();
    assertThat(process.exitValue()).as("probe %s: %s", command, output).isZero();
    return output;
  }
}
