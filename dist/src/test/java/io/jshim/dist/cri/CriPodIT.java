package io.jshim.dist.cri;

import static io.jshim.dist.testing.Conditions.await;
import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.grpc.StatusRuntimeException;
import io.jshim.dist.cri.api.ContainerConfig;
import io.jshim.dist.cri.api.ContainerMetadata;
import io.jshim.dist.cri.api.ContainerStats;
import io.jshim.dist.cri.api.ContainerStatsRequest;
import io.jshim.dist.cri.api.ContainerStatusRequest;
import io.jshim.dist.cri.api.CreateContainerRequest;
import io.jshim.dist.cri.api.ExecSyncRequest;
import io.jshim.dist.cri.api.ExecSyncResponse;
import io.jshim.dist.cri.api.ImageSpec;
import io.jshim.dist.cri.api.PodSandboxConfig;
import io.jshim.dist.cri.api.PodSandboxState;
import io.jshim.dist.cri.api.PodSandboxStatus;
import io.jshim.dist.cri.api.PodSandboxStatusRequest;
import io.jshim.dist.cri.api.RemovePodSandboxRequest;
import io.jshim.dist.cri.api.RunPodSandboxRequest;
import io.jshim.dist.cri.api.StartContainerRequest;
import io.jshim.dist.cri.api.StopPodSandboxRequest;
import io.jshim.dist.testing.Directories;
import io.jshim.dist.testing.ShimUnderTest;
import io.jshim.dist.testing.Spares;
import io.jshim.dist.testing.SparesOff;
import io.jshim.testing.containerd.PrivateContainerd;
import io.jshim.testing.containerd.ShimProcess;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The Kubernetes path: containerd's CRI plugin with a runtime handler per shim, driven through the CRI API as the
 * kubelet drives it. A host-network pod sandbox (a static pause image) and two busybox containers run in ONE shim
 * process (CRI puts {@code io.kubernetes.cri.sandbox-id} in every spec; the shim's start action groups by it);
 * exec, container logs and stats work; the shim exits once the pod is stopped and removed. Both images are OCI
 * tarballs this test builds and imports with {@code ctr}, so nothing is pulled.
 */
class CriPodIT {
  private static final Logger LOG = LoggerFactory.getLogger(CriPodIT.class);
  private static final String K8S_NAMESPACE = CriImages.K8S_NAMESPACE;
  private static final String BUSYBOX_IMAGE = CriImages.BUSYBOX;
  private static final Duration CALL_BOUND = Duration.ofSeconds(30);
  private static final Duration SHIM_EXIT_BOUND = Duration.ofSeconds(20);
  /** A CRI log line: {@code <RFC3339Nano> <stream> <P|F> <content>}. */
  private static final Pattern TICK_LINE = Pattern.compile("(?m)^\\S+ stdout F tick-\\d+$");

  /** Where containerd's log of the run is kept (failsafe runs with the module dir as working dir). */
  private static final Path KEPT_LOG = Path.of("target", "cri-it",
      SparesOff.active() ? "containerd-spares-off.log" : "containerd.log").toAbsolutePath();
  private static final ObjectMapper JSON = new ObjectMapper();
  private static final List<String> createdIds = new CopyOnWriteArrayList<>();
  private static Path workDir;
  private static PrivateContainerd containerd;
  private static CriClient cri;

  @BeforeAll
  @Timeout(120)
  static void startContainerdWithCriAndImages() throws Exception {
    SparesOff.requireConfiguration();
    workDir = Files.createTempDirectory("jshim-cri-");
    containerd = PrivateContainerd.builder()
        .runtimeDir(ShimUnderTest.jruncBinDir())
        .cri(CriHandler.GO_RUNC.criRuntime(), CriHandler.JRUNC.criRuntime())
        .start();
    cri = new CriClient(containerd.address(), CALL_BOUND);
    // CRI gives the pause container oom_score_adj -998, which runc cannot set without CAP_SYS_RESOURCE (root
    // here lacks it); the harness's CRI config clamps it with restrict_oom_score_adj = true.
    assertThat(JSON.readTree(CriImages.criConfig(cri)).path("restrictOOMScoreAdj").asBoolean())
        .as("CRI runs with restrict_oom_score_adj").isTrue();
    // The harness writes no sandbox_image: the pause image is named after the one this containerd is configured with.
    CriImages.importInto(containerd, cri, workDir);
  }

  @AfterAll
  static void stopEverything() throws Exception {
    try {
      if (cri != null) {
        removeLeftoverSandboxes();
        cri.close();
      }
    } finally {
      try {
        if (containerd != null) {
          keepContainerdLog();
          containerd.close();
        }
      } finally {
        deleteRuncLeftovers();
        Directories.deleteRecursively(workDir);
      }
    }
  }

  /** A failed run must not leave its pod to the next handler's run (which expects no shim at all). */
  @AfterEach
  void removePodsLeftByAFailure() {
    removeLeftoverSandboxes();
  }

  /** In the spares-off run ({@link SparesOff}): fails the test after which a spare directory or process exists. */
  @AfterEach
  void noSpareWhenOff() {
    SparesOff.assertNoSpare(new Spares(containerd.spareRun()));
  }

  static Stream<CriHandler> handlers() {
    return CriHandler.enabled();
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("handlers")
  @Timeout(90)
  void podOfTwoContainersRunsInOneShimWithExecLogsAndStats(CriHandler handler) throws Exception {
    handler.requireBinary();
    assertThat(containerd.shims().pids()).as("no shim left from an earlier pod").isEmpty();
    Path logDirectory = Files.createDirectories(workDir.resolve("pod-logs-" + handler.handler()));
    PodSandboxConfig pod = podConfig(handler, logDirectory);

    String sandboxId = cri.runtime().runPodSandbox(RunPodSandboxRequest.newBuilder()
        .setConfig(pod).setRuntimeHandler(handler.handler()).build()).getPodSandboxId();
    createdIds.add(sandboxId);
    PodSandboxStatus sandbox = cri.runtime().podSandboxStatus(
        PodSandboxStatusRequest.newBuilder().setPodSandboxId(sandboxId).build()).getStatus();
    assertThat(sandbox.getState()).isEqualTo(PodSandboxState.SANDBOX_READY);
    assertThat(sandbox.getRuntimeHandler()).isEqualTo(handler.handler());

    String sleeper = createAndStart(sandboxId, pod, "sleeper", List.of("/bin/sleep", "600"));
    String talker = createAndStart(sandboxId, pod, "talker",
        List.of("/bin/sh", "-c", "i=0; while true; do echo tick-$i; i=$((i+1)); sleep 1; done"));

    // ONE shim process serves the sandbox and both containers.
    ShimProcess shim = containerd.shims().await(K8S_NAMESPACE, sandboxId, Duration.ofSeconds(20));
    assertThat(handler.isShim(shim.argv())).as("the sandbox's shim is %s: %s", handler, shim.argv()).isTrue();
    assertThat(containerd.shims().pids()).as("shim daemons of this containerd").containsExactly(shim.pid());
    for (String container : List.of(sleeper, talker)) {
      assertThat(bundleSocket(container)).as("shim socket of container %s", container).contains(shim.socket());
      assertThat(Files.readString(containerd.shims().bundle(K8S_NAMESPACE, container).resolve("config.json")))
          .as("CRI groups container %s by the sandbox id annotation", container)
          .contains("\"io.kubernetes.cri.sandbox-id\":\"" + sandboxId + "\"");
      long pid = containerPid(container);
      assertThat(parentPid(pid)).as("parent of container %s's init %s", container, pid).isEqualTo(shim.pid());
    }

    // Logs: CRI writes the talker's stdout to <log_directory>/<log_path> in the CRI log format.
    Path talkerLog = logDirectory.resolve("talker.log");
    assertThat(await(() -> TICK_LINE.matcher(readQuietly(talkerLog)).find(), Duration.ofSeconds(15)))
        .as("a tick line in %s, found: %s", talkerLog, readQuietly(talkerLog)).isTrue();

    // Stats: CRI turns the shim's cgroup metrics into CPU and memory usage.
    ContainerStats stats = cri.runtime().containerStats(
        ContainerStatsRequest.newBuilder().setContainerId(sleeper).build()).getStats();
    assertThat(stats.getAttributes().getId()).isEqualTo(sleeper);
    assertThat(stats.getCpu().getTimestamp()).as("cpu stats %s", stats).isPositive();
    assertThat(stats.getCpu().getUsageCoreNanoSeconds().getValue()).as("cpu stats %s", stats).isPositive();
    assertThat(stats.getMemory().hasWorkingSetBytes()).as("memory stats %s", stats).isTrue();
    assertThat(stats.getMemory().getWorkingSetBytes().getValue()).as("memory stats %s", stats).isPositive();

    // Exec: output and exit codes, in the pod's PID namespace (PID 1 is the sandbox's pause).
    ExecSyncResponse hi = execSync(sleeper, "/bin/echo", "hi");
    assertThat(hi.getExitCode()).isZero();
    assertThat(hi.getStdout().toStringUtf8()).isEqualTo("hi\n");
    ExecSyncResponse failing = execSync(talker, "/bin/sh", "-c", "echo oops >&2; exit 3");
    assertThat(failing.getExitCode()).isEqualTo(3);
    assertThat(failing.getStderr().toStringUtf8()).isEqualTo("oops\n");
    assertThat(execSync(sleeper, "/bin/cat", "/proc/1/cmdline").getStdout().toStringUtf8()).isEqualTo("/pause\0");

    // The kubelet's pod removal: stop, then remove; the shim has nothing left to serve and exits.
    cri.runtime().stopPodSandbox(StopPodSandboxRequest.newBuilder().setPodSandboxId(sandboxId).build());
    cri.runtime().removePodSandbox(RemovePodSandboxRequest.newBuilder().setPodSandboxId(sandboxId).build());
    createdIds.remove(sandboxId);
    assertThat(await(() -> !shim.isAlive(), SHIM_EXIT_BOUND))
        .as("shim %s exits after the pod is removed", shim.pid()).isTrue();
    assertThat(containerd.shims().pids()).as("shim daemons left").isEmpty();
    for (String id : List.of(sandboxId, sleeper, talker)) {
      assertThat(containerd.shims().bundle(K8S_NAMESPACE, id)).as("bundle of %s", id).doesNotExist();
    }
  }

  private static PodSandboxConfig podConfig(CriHandler handler, Path logDirectory) {
    return CriPods.hostNetworkPod("jshim-cri-" + handler.handler(), logDirectory);
  }

  private static String createAndStart(String sandboxId, PodSandboxConfig pod, String name, List<String> command) {
    String id = cri.runtime().createContainer(CreateContainerRequest.newBuilder()
        .setPodSandboxId(sandboxId)
        .setSandboxConfig(pod)
        .setConfig(ContainerConfig.newBuilder()
            .setMetadata(ContainerMetadata.newBuilder().setName(name))
            .setImage(ImageSpec.newBuilder().setImage(BUSYBOX_IMAGE))
            .addAllCommand(command)
            .setLogPath(name + ".log"))
        .build()).getContainerId();
    createdIds.add(id);
    cri.runtime().startContainer(StartContainerRequest.newBuilder().setContainerId(id).build());
    return id;
  }

  /** ExecSync with a 5 s exec timeout (CRI's) inside a 15 s call deadline (CRI waits for the output's EOF too). */
  private static ExecSyncResponse execSync(String containerId, String... command) {
    return cri.runtime().withDeadlineAfter(15, java.util.concurrent.TimeUnit.SECONDS).execSync(ExecSyncRequest.newBuilder()
        .setContainerId(containerId).addAllCmd(List.of(command)).setTimeout(5).build());
  }

  /** @return the container's init pid (host view) from CRI's verbose status info */
  private static long containerPid(String containerId) throws IOException {
    String info = cri.runtime().containerStatus(ContainerStatusRequest.newBuilder()
        .setContainerId(containerId).setVerbose(true).build()).getInfoOrThrow("info");
    JsonNode pid = JSON.readTree(info).path("pid");
    assertThat(pid.canConvertToLong()).as("pid in the status info of %s: %s", containerId, info).isTrue();
    return pid.asLong();
  }

  private static long parentPid(long pid) throws IOException {
    return Files.readAllLines(Path.of("/proc/" + pid + "/status")).stream()
        .filter(line -> line.startsWith("PPid:"))
        .map(line -> Long.parseLong(line.substring("PPid:".length()).strip()))
        .findFirst()
        .orElseThrow(() -> new IOException("no PPid in /proc/" + pid + "/status"));
  }

  private static Optional<Path> bundleSocket(String containerId) throws IOException {
    String address = Files.readString(containerd.shims().bundle(K8S_NAMESPACE, containerId).resolve("address")).strip();
    return Optional.of(Path.of(address.startsWith("unix://") ? address.substring("unix://".length()) : address));
  }

  /** Copies containerd's log (shim output included) to {@code target/} before the harness deletes its dir. */
  private static void keepContainerdLog() {
    try {
      Files.createDirectories(KEPT_LOG.getParent());
      Files.copy(containerd.logFile(), KEPT_LOG, java.nio.file.StandardCopyOption.REPLACE_EXISTING);
    } catch (IOException e) {
      LOG.warn("msg=\"failed to keep containerd log\" target={} error=\"{}\"", KEPT_LOG, e.getMessage());
    }
  }

  private static void removeLeftoverSandboxes() {
    for (String id : createdIds) {
      try {
        cri.runtime().stopPodSandbox(StopPodSandboxRequest.newBuilder().setPodSandboxId(id).build());
        cri.runtime().removePodSandbox(RemovePodSandboxRequest.newBuilder().setPodSandboxId(id).build());
        createdIds.remove(id);
      } catch (StatusRuntimeException e) {
        LOG.debug("msg=\"not a sandbox or already gone\" id={} status={}", id, e.getStatus());
      }
    }
  }

  /** Force-deletes runc containers of this test that outlived containerd (only ids it created: k8s.io is shared). */
  private static void deleteRuncLeftovers() {
    CriPods.deleteRuncLeftovers(createdIds);
  }

  private static String readQuietly(Path file) {
    try {
      return Files.readString(file, StandardCharsets.UTF_8);
    } catch (IOException e) {
      return "";
    }
  }
}
