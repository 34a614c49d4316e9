package io.jshim.dist.cri;

import static org.assertj.core.api.Assertions.assertThat;

import io.grpc.StatusRuntimeException;
import io.jshim.dist.cri.api.ContainerConfig;
import io.jshim.dist.cri.api.ContainerMetadata;
import io.jshim.dist.cri.api.CreateContainerRequest;
import io.jshim.dist.cri.api.ImageSpec;
import io.jshim.dist.cri.api.PodSandboxConfig;
import io.jshim.dist.cri.api.RemoveContainerRequest;
import io.jshim.dist.cri.api.RemovePodSandboxRequest;
import io.jshim.dist.cri.api.RunPodSandboxRequest;
import io.jshim.dist.cri.api.StartContainerRequest;
import io.jshim.dist.cri.api.StopContainerRequest;
import io.jshim.dist.cri.api.StopPodSandboxRequest;
import io.jshim.dist.testing.Directories;
import io.jshim.dist.testing.ShimUnderTest;
import io.jshim.testing.containerd.CriRuntime;
import io.jshim.testing.containerd.PrivateContainerd;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.time.Duration;
import java.util.ArrayList;
import java.util.EnumMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.function.ToDoubleFunction;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The CRI row of {@code make bench}, not a test: its name matches neither surefire's nor failsafe's includes, so
 * {@code make test} never runs it; {@code bench/run.sh} runs it by name through failsafe
 * ({@code -Dit.test=CriPodBench}).
 *
 * <p>What the kubelet does for every container of a pod after its first: CreateContainer + StartContainer in a pod
 * whose sandbox and first container already run. One pod per CRI handler (Debian's Go shim, jrunc with
 * {@code jshim.grouping = sandbox}: the container's {@code start} finds the pod's daemon serving and joins it
 * through {@code lib/jshim/sh/join-group.sh}, no JVM), each sample the wall time of those two calls, the handlers
 * interleaved in alternating order; between samples the container is stopped and removed (not timed).
 *
 * <p>System properties: {@value #OUT_PROPERTY} (required) the directory the samples go to, one file per handler
 * ({@code cripod_go}, {@code cripod_jrunc}: one sample a line, the milliseconds of both calls, then of
 * CreateContainer and of StartContainer alone), written once every sample is taken;
 * {@value #RUNS_PROPERTY} samples per handler (default 15); {@value #CONFIG_PROPERTY} the {@code JSHIM_CONFIG} of
 * the jrunc shims (default: grouping = sandbox, spare.count = 0 - the join takes no spare, and a spare warming up
 * in the background would only add noise). Everything it started is stopped: pods, containerd (by pid, with its
 * shims), runc leftovers of its ids, its temp dir; containerd's log is kept in {@code target/cri-bench}.
 */
class CriPodBench {
  /** System property: the directory of the samples (required). */
  static final String OUT_PROPERTY = "jshim.bench.cri.out";
  /** System property: samples per handler. */
  static final String RUNS_PROPERTY = "jshim.bench.cri.runs";
  /** System property: the jrunc shims' configuration file. */
  static final String CONFIG_PROPERTY = "jshim.bench.cri.config";
  private static final Logger LOG = LoggerFactory.getLogger(CriPodBench.class);
  private static final Duration CALL_BOUND = Duration.ofSeconds(30);
  /** Where containerd's log of the last run is kept (failsafe runs with the module dir as working dir). */
  private static final Path KEPT_LOG = Path.of("target", "cri-bench", "containerd.log").toAbsolutePath();
  private static final List<CriHandler> HANDLERS = List.of(CriHandler.GO_RUNC, CriHandler.JRUNC);

  private final List<String> createdIds = new CopyOnWriteArrayList<>();

  @Test
  @Timeout(1800) // a bound for a hung run only: every CRI call has its own deadline
  void secondContainerOfAPodCreateAndStart() throws Exception {
    String outProperty = System.getProperty(OUT_PROPERTY);
    if (outProperty == null || outProperty.isBlank()) {
      throw new IllegalArgumentException("failed to run the CRI bench: system property " + OUT_PROPERTY
          + " (the directory of the samples) is not set");
    }
    Path out = Path.of(outProperty).toAbsolutePath();
    int runs = Integer.getInteger(RUNS_PROPERTY, 15);
    if (runs < 1) {
      throw new IllegalArgumentException("failed to run the CRI bench: " + RUNS_PROPERTY + " is " + runs + ", not >= 1");
    }
    HANDLERS.forEach(CriHandler::requireBinary);
    Path workDir = Files.createTempDirectory("jshim-cri-bench-");
    PrivateContainerd containerd = null;
    CriClient cri = null;
    try {
      containerd = PrivateContainerd.builder()
          .runtimeDir(ShimUnderTest.jruncBinDir())
          .logLevel("info") // as bench/run.sh's containerd: no -debug for the shims
          .environment("JSHIM_CONFIG", jruncConfig(workDir).toString())
          .cri(HANDLERS.stream().map(CriHandler::criRuntime).toArray(CriRuntime[]::new))
          .start();
      cri = new CriClient(containerd.address(), CALL_BOUND);
      CriImages.importInto(containerd, cri, workDir);

      Map<CriHandler, Pod> pods = new EnumMap<>(CriHandler.class);
      for (CriHandler handler : HANDLERS) {
        pods.put(handler, startPod(cri, handler, workDir));
      }
      for (CriHandler handler : HANDLERS) {
        createAndStart(cri, pods.get(handler), "warm-up"); // first-use paths of CRI and the shim
      }
      Map<CriHandler, List<Sample>> samples = new EnumMap<>(CriHandler.class);
      HANDLERS.forEach(handler -> samples.put(handler, new ArrayList<>()));
      for (int i = 1; i <= runs; i++) {
        List<CriHandler> order = i % 2 == 0 ? HANDLERS : HANDLERS.reversed();
        for (CriHandler handler : order) {
          samples.get(handler).add(createAndStart(cri, pods.get(handler), "second-" + i));
        }
      }
      // the row claims sandbox grouping: one shim process per pod served every container of it
      assertThat(containerd.shims().pids()).as("shim daemons: one per pod").hasSize(pods.size());

      Files.createDirectories(out);
      for (CriHandler handler : HANDLERS) {
        Path file = out.resolve("cripod_" + sampleName(handler));
        List<Sample> taken = samples.get(handler);
        Files.writeString(file, taken.stream().map(Sample::line).collect(Collectors.joining()));
        LOG.info("msg=\"cri bench samples\" handler={} runs={} median_ms={} create_median_ms={} start_median_ms={} file={}",
            handler.handler(), runs, median(taken, Sample::total), median(taken, Sample::create),
            median(taken, Sample::start), file);
      }
      for (CriHandler handler : HANDLERS) {
        removePod(cri, pods.get(handler).sandboxId());
      }
    } finally {
      stopEverything(cri, containerd, workDir);
    }
  }

  /** A running pod sandbox with its first container. */
  private record Pod(String sandboxId, PodSandboxConfig config) {}

  private Pod startPod(CriClient cri, CriHandler handler, Path workDir) throws IOException {
    Path logDirectory = Files.createDirectories(workDir.resolve("pod-logs-" + handler.handler()));
    PodSandboxConfig config = CriPods.hostNetworkPod("jshim-cri-bench-" + handler.handler(), logDirectory);
    String sandboxId = cri.runtime().runPodSandbox(RunPodSandboxRequest.newBuilder()
        .setConfig(config).setRuntimeHandler(handler.handler()).build()).getPodSandboxId();
    createdIds.add(sandboxId);
    Pod pod = new Pod(sandboxId, config);
    start(cri, create(cri, pod, "first"));
    return pod;
  }

  /**
   * @return the wall time of CreateContainer + StartContainer of a sleeper in the pod, which is then removed, and of
   *     each call (CreateContainer is containerd's alone; StartContainer runs the shim's start, Create and Start)
   */
  private Sample createAndStart(CriClient cri, Pod pod, String name) {
    long began = System.nanoTime();
    String id = create(cri, pod, name);
    long created = System.nanoTime();
    start(cri, id);
    long started = System.nanoTime();
    cri.runtime().stopContainer(StopContainerRequest.newBuilder().setContainerId(id).setTimeout(0).build());
    cri.runtime().removeContainer(RemoveContainerRequest.newBuilder().setContainerId(id).build());
    createdIds.remove(id);
    return new Sample(millis(started - began), millis(created - began), millis(started - created));
  }

  /** One sample's milliseconds: both calls, CreateContainer, StartContainer. */
  private record Sample(double total, double create, double start) {
    /** @return the raw file's line: the total first (what bench/report.py reads), then create and start */
    String line() {
      return String.format(Locale.ROOT, "%.1f %.1f %.1f%n", total, create, start);
    }
  }

  private static double millis(long nanos) {
    return nanos / 1_000_000.0;
  }

  private String create(CriClient cri, Pod pod, String name) {
    String id = cri.runtime().createContainer(CreateContainerRequest.newBuilder()
        .setPodSandboxId(pod.sandboxId())
        .setSandboxConfig(pod.config())
        .setConfig(ContainerConfig.newBuilder()
            .setMetadata(ContainerMetadata.newBuilder().setName(name))
            .setImage(ImageSpec.newBuilder().setImage(CriImages.BUSYBOX))
            .addAllCommand(List.of("/bin/sleep", "600"))
            .setLogPath(name + ".log"))
        .build()).getContainerId();
    createdIds.add(id);
    return id;
  }

  private static void start(CriClient cri, String containerId) {
    cri.runtime().startContainer(StartContainerRequest.newBuilder().setContainerId(containerId).build());
  }

  private void removePod(CriClient cri, String sandboxId) {
    cri.runtime().stopPodSandbox(StopPodSandboxRequest.newBuilder().setPodSandboxId(sandboxId).build());
    cri.runtime().removePodSandbox(RemovePodSandboxRequest.newBuilder().setPodSandboxId(sandboxId).build());
    createdIds.remove(sandboxId);
  }

  /** Pods left by a failure, the CRI client, containerd with its shims, runc leftovers of our ids, the temp dir. */
  private void stopEverything(CriClient cri, PrivateContainerd containerd, Path workDir) throws Exception {
    try {
      if (cri != null) {
        for (String id : createdIds) {
          try {
            removePod(cri, id);
          } catch (StatusRuntimeException e) {
            LOG.debug("msg=\"not a sandbox or already gone\" id={} status={}", id, e.getStatus());
          }
        }
        cri.close();
      }
    } finally {
      try {
        if (containerd != null) {
          keepLog(containerd);
          containerd.close();
        }
      } finally {
        CriPods.deleteRuncLeftovers(createdIds);
        Directories.deleteRecursively(workDir);
      }
    }
  }

  /** Copies containerd's log (the shims' included) to {@link #KEPT_LOG} before the harness deletes its dir. */
  private static void keepLog(PrivateContainerd containerd) {
    try {
      Files.createDirectories(KEPT_LOG.getParent());
      Files.copy(containerd.logFile(), KEPT_LOG, StandardCopyOption.REPLACE_EXISTING);
    } catch (IOException e) {
      LOG.warn("msg=\"failed to keep containerd log\" target={} error=\"{}\"", KEPT_LOG, e.getMessage());
    }
  }

  private static Path jruncConfig(Path workDir) throws IOException {
    String given = System.getProperty(CONFIG_PROPERTY);
    if (given != null && !given.isBlank()) {
      Path config = Path.of(given).toAbsolutePath();
      if (!Files.isRegularFile(config)) {
        throw new IOException("failed to read the jrunc configuration " + config + " (" + CONFIG_PROPERTY + "): no such file");
      }
      return config;
    }
    return Files.writeString(workDir.resolve("jshim.conf"), "jshim.grouping = sandbox\njshim.spare.count = 0\n");
  }

  /** @return the name bench/run.sh gives the shim in its raw files: go, jrunc */
  private static String sampleName(CriHandler handler) {
    return handler == CriHandler.GO_RUNC ? "go" : "jrunc";
  }

  private static String median(List<Sample> samples, ToDoubleFunction<Sample> field) {
    double[] sorted = samples.stream().mapToDouble(field).sorted().toArray();
    int n = sorted.length;
    double median = n % 2 == 1 ? sorted[n / 2] : (sorted[n / 2 - 1] + sorted[n / 2]) / 2;
    return String.format(Locale.ROOT, "%.1f", median);
  }
}
