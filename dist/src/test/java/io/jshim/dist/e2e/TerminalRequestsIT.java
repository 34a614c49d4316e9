package io.jshim.dist.e2e;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowable;

import com.google.protobuf.Any;
import com.google.protobuf.ByteString;
import io.jshim.api.task.v2.CloseIORequest;
import io.jshim.api.task.v2.DeleteRequest;
import io.jshim.api.task.v2.ExecProcessRequest;
import io.jshim.api.task.v2.ResizePtyRequest;
import io.jshim.api.task.v2.StartRequest;
import io.jshim.api.task.v2.TaskTtrpc;
import io.jshim.api.task.v2.WaitRequest;
import io.jshim.api.task.v2.WaitResponse;
import io.jshim.dist.testing.ShimUnderTest;
import io.jshim.testing.containerd.ShimProcess;
import io.jshim.ttrpc.Status;
import io.jshim.ttrpc.TtrpcClient;
import io.jshim.ttrpc.TtrpcException;
import java.io.ByteArrayOutputStream;
import java.io.FileInputStream;
import java.io.FileOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * Issue 12 items 2 and 3, with requests straight to the shim's socket over TTRPC, as clients send them.
 * An Exec with {@code terminal = true} whose process spec says {@code terminal: false} runs with a terminal (the
 * request wins, as in the Go shim; jrunc used to fail in runc: "cannot use console socket if runc will not detach
 * or allocate tty"). ResizePty of a process without a terminal answers OK and does nothing (jrunc answered
 * FailedPrecondition), and NotFound for an unknown exec id.
 */
class TerminalRequestsIT extends E2eBase {
  private static final String PROCESS_SPEC = "types.containerd.io/opencontainers/runtime-spec/1/Process";

  @ParameterizedTest(name = "{0}")
  @MethodSource("shims")
  void execTerminalFlagOfTheRequestWinsOverTheSpec(ShimUnderTest shim) throws Exception {
    String id = startSleeper(shim, "exectty");
    Path stdout = workDir.resolve(id + "-tty.out");
    mkfifo(stdout);
    ByteArrayOutputStream output = new ByteArrayOutputStream();
    Thread reader = readInto(stdout, output);
    try (TtrpcClient client = TtrpcClient.connect(shimSocket(id))) {
      TaskTtrpc.TaskBlockingStub task = TaskTtrpc.newBlockingStub(client);
      task.exec(ExecProcessRequest.newBuilder().setId(id).setExecId("tty").setTerminal(true)
          .setStdout(stdout.toString()).setSpec(spec("{\"args\":[\"/bin/sh\",\"-c\",\"tty; exit 7\"],\"cwd\":\"/\","
              + "\"env\":[\"PATH=/bin\"],\"user\":{\"uid\":0,\"gid\":0},\"terminal\":false}")).build());
      task.start(StartRequest.newBuilder().setId(id).setExecId("tty").build());
      WaitResponse exit = task.wait(WaitRequest.newBuilder().setId(id).setExecId("tty").build());
      assertThat(exit.getExitStatus()).isEqualTo(7);
      assertThat(await(() -> text(output).contains("/dev/pts/"), Duration.ofSeconds(20)))
          .as("the exec's output names its terminal: %s", text(output)).isTrue();
      task.delete(DeleteRequest.newBuilder().setId(id).setExecId("tty").build());
    } finally {
      reader.interrupt();
      remove(id);
    }
  }

  /**
   * Item 1 for a terminal: after CloseIO and the client's close, the input is copied and the terminal hung up, as
   * the Go shim releases the console when its stdin copy ends; {@code cat} on the terminal then ends. jrunc used to
   * keep the terminal open: the process waited for input forever.
   */
  @ParameterizedTest(name = "{0}")
  @MethodSource("shims")
  void closeIoOfATerminalExecHangsTheTerminalUpAfterItsInput(ShimUnderTest shim) throws Exception {
    String id = startSleeper(shim, "ttyclose");
    Path stdin = workDir.resolve(id + "-tty.in");
    Path stdout = workDir.resolve(id + "-tty.out");
    mkfifo(stdin);
    mkfifo(stdout);
    ByteArrayOutputStream output = new ByteArrayOutputStream();
    Thread reader = readInto(stdout, output);
    ExecutorService waiter = Executors.newVirtualThreadPerTaskExecutor();
    try (TtrpcClient client = TtrpcClient.connect(shimSocket(id))) {
      TaskTtrpc.TaskBlockingStub task = TaskTtrpc.newBlockingStub(client);
      task.exec(ExecProcessRequest.newBuilder().setId(id).setExecId("cat").setTerminal(true)
          .setStdin(stdin.toString()).setStdout(stdout.toString()).setSpec(spec("{\"args\":[\"/bin/cat\"],\"cwd\":\"/\","
              + "\"env\":[\"PATH=/bin\"],\"user\":{\"uid\":0,\"gid\":0},\"terminal\":true}")).build());
      task.start(StartRequest.newBuilder().setId(id).setExecId("cat").build());
      Future<WaitResponse> exit = waiter.submit(() -> task.wait(WaitRequest.newBuilder().setId(id).setExecId("cat").build()));
      try (OutputStream in = new FileOutputStream(stdin.toFile())) {
        in.write("from-the-client\n".getBytes(StandardCharsets.UTF_8));
        in.flush();
        assertThat(await(() -> text(output).contains("from-the-client"), Duration.ofSeconds(20)))
            .as("the terminal echoed the input: %s", text(output)).isTrue();
        task.closeIO(CloseIORequest.newBuilder().setId(id).setExecId("cat").setStdin(true).build());
      }
      WaitResponse exited;
      try {
        exited = exit.get(30, TimeUnit.SECONDS);
      } catch (TimeoutException e) {
        throw new AssertionError("cat still runs 30 s after CloseIO and the client's close: its terminal was not hung up");
      }
      assertThat(exited.hasExitedAt()).isTrue();
      task.delete(DeleteRequest.newBuilder().setId(id).setExecId("cat").build());
    } finally {
      waiter.shutdownNow();
      reader.interrupt();
      remove(id);
    }
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("shims")
  void resizePtyOfAProcessWithoutTerminalIsANoOp(ShimUnderTest shim) throws Exception {
    String id = startSleeper(shim, "resize");
    try (TtrpcClient client = TtrpcClient.connect(shimSocket(id))) {
      TaskTtrpc.TaskBlockingStub task = TaskTtrpc.newBlockingStub(client);
      task.resizePty(ResizePtyRequest.newBuilder().setId(id).setWidth(100).setHeight(40).build());
      task.exec(ExecProcessRequest.newBuilder().setId(id).setExecId("plain")
          .setSpec(spec("{\"args\":[\"/bin/true\"],\"cwd\":\"/\",\"user\":{\"uid\":0,\"gid\":0}}")).build());
      task.resizePty(ResizePtyRequest.newBuilder().setId(id).setExecId("plain").setWidth(100).setHeight(40).build());
      Throwable unknown = catchThrowable(() -> task.resizePty(ResizePtyRequest.newBuilder().setId(id)
          .setExecId("no-such-exec").setWidth(100).setHeight(40).build()));
      assertThat(unknown).isInstanceOf(TtrpcException.class);
      assertThat(((TtrpcException) unknown).status().code()).as(unknown.getMessage()).isEqualTo(Status.Code.NOT_FOUND);
      task.delete(DeleteRequest.newBuilder().setId(id).setExecId("plain").build());
    } finally {
      remove(id);
    }
  }

  private static Path shimSocket(String id) {
    ShimProcess daemon = containerd.shims().await(namespace, id, Duration.ofSeconds(10));
    return daemon.socket();
  }

  private static Any spec(String json) {
    return Any.newBuilder().setTypeUrl(PROCESS_SPEC).setValue(ByteString.copyFrom(json, StandardCharsets.UTF_8)).build();
  }

  /** Copies what the FIFO at {@code path} delivers into {@code output} on a daemon thread. */
  private static Thread readInto(Path path, ByteArrayOutputStream output) {
    return Thread.ofPlatform().daemon().start(() -> {
      try (InputStream in = new FileInputStream(path.toFile())) {
        byte[] chunk = new byte[4096];
        for (int n; (n = in.read(chunk)) > 0; ) {
          synchronized (output) {
            output.write(chunk, 0, n);
          }
        }
      } catch (IOException ignored) {
        // ends with the FIFO
      }
    });
  }

  private static String text(ByteArrayOutputStream output) {
    synchronized (output) {
      return output.toString(StandardCharsets.UTF_8);
    }
  }

  private static void mkfifo(Path path) throws IOException, InterruptedException {
    Process mkfifo = new ProcessBuilder("mkfifo", path.toString()).redirectErrorStream(true).start();
    if (!mkfifo.waitFor(10, TimeUnit.SECONDS) || mkfifo.exitValue() != 0) {
      throw new IOException("failed to create fifo " + path + ": " + new String(mkfifo.getInputStream().readAllBytes(),
          StandardCharsets.UTF_8));
    }
  }
}
