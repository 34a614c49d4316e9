package io.jshim.dist.cri;

import io.jshim.dist.cri.api.LinuxPodSandboxConfig;
import io.jshim.dist.cri.api.LinuxSandboxSecurityContext;
import io.jshim.dist.cri.api.NamespaceMode;
import io.jshim.dist.cri.api.NamespaceOption;
import io.jshim.dist.cri.api.PodSandboxConfig;
import io.jshim.dist.cri.api.PodSandboxMetadata;
import io.jshim.testing.containerd.PrivateContainerd;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Collection;
import java.util.List;
import java.util.UUID;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/** Pods as the CRI tests and the CRI bench run them, and what a run leaves behind of them. */
final class CriPods {
  private static final Logger LOG = LoggerFactory.getLogger(CriPods.class);

  private CriPods() {}

  /**
   * @param name the pod's name (also its {@code io.jshim.test} label)
   * @param logDirectory where CRI writes the containers' logs
   * @return a pod of host network (no CNI here: containerd 1.6 fails pod network set-up without one) with its own
   *     PID and IPC namespaces, a fresh uid
   */
  static PodSandboxConfig hostNetworkPod(String name, Path logDirectory) {
    return PodSandboxConfig.newBuilder()
        .setMetadata(PodSandboxMetadata.newBuilder()
            .setName(name).setNamespace("jshim").setUid(UUID.randomUUID().toString()).setAttempt(0))
        .setLogDirectory(logDirectory.toString())
        .putLabels("io.jshim.test", name)
        .setLinux(LinuxPodSandboxConfig.newBuilder()
            .setSecurityContext(LinuxSandboxSecurityContext.newBuilder()
                .setNamespaceOptions(NamespaceOption.newBuilder()
                    .setNetwork(NamespaceMode.NODE).setPid(NamespaceMode.POD).setIpc(NamespaceMode.POD))))
        .build();
  }

  /**
   * Force-deletes runc containers that outlived containerd, only those of {@code ids} (k8s.io's runc state dir is
   * shared by every containerd's CRI); failures are logged, the others still deleted.
   *
   * @param ids the sandbox and container ids a run created
   */
  static void deleteRuncLeftovers(Collection<String> ids) {
    Path runcRoot = PrivateContainerd.RUNC_ROOT.resolve(CriImages.K8S_NAMESPACE);
    for (String id : ids) {
      if (Files.exists(runcRoot.resolve(id))) {
        try {
          HostCommand.run(Duration.ofSeconds(15), List.of("runc", "--root", runcRoot.toString(), "delete", "--force", id));
        } catch (IOException e) {
          LOG.warn("msg=\"failed to delete leftover runc container\" id={} error=\"{}\"", id, e.getMessage());
        }
      }
    }
  }
}
