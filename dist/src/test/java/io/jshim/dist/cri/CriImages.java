package io.jshim.dist.cri;

import static io.jshim.dist.testing.Conditions.await;

import com.fasterxml.jackson.databind.ObjectMapper;
import io.jshim.dist.cri.api.ImageSpec;
import io.jshim.dist.cri.api.ImageStatusRequest;
import io.jshim.dist.cri.api.StatusRequest;
import io.jshim.testing.containerd.BusyboxRootfs;
import io.jshim.testing.containerd.Ctr;
import io.jshim.testing.containerd.PrivateContainerd;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;

/**
 * The two images a CRI pod of the tests and of the CRI bench runs: a static pause image (named after the
 * {@code sandbox_image} the CRI plugin is configured with, so RunPodSandbox finds it) and busybox
 * ({@link #BUSYBOX}). Both are OCI tarballs built here and imported with {@code ctr} into CRI's namespace, so
 * nothing is pulled.
 */
final class CriImages {
  /** CRI's containerd namespace (fixed in containerd 1.6). */
  static final String K8S_NAMESPACE = "k8s.io";
  /** The busybox image containers of a pod run. */
  static final String BUSYBOX = "docker.io/jshim/busybox:cri-test";
  private static final Duration LISTED_BOUND = Duration.ofSeconds(20);
  private static final ObjectMapper JSON = new ObjectMapper();

  private CriImages() {}

  /**
   * Builds both images in {@code workDir}, imports them and waits (bounded) until CRI lists them.
   *
   * @param containerd a private containerd with the CRI plugin enabled
   * @param cri a client of its CRI plugin
   * @param workDir where rootfs and archives are built
   * @return the pause image's name
   * @throws IOException if an image cannot be built or imported, or CRI does not list it in time
   * @throws InterruptedException when interrupted while waiting for CRI
   */
  static String importInto(PrivateContainerd containerd, CriClient cri, Path workDir)
      throws IOException, InterruptedException {
    String pauseImage = configuredSandboxImage(cri);
    Path pauseRootfs = Files.createDirectories(workDir.resolve("pause-rootfs"));
    PauseBinary.compileInto(pauseRootfs, workDir);
    Path busyboxRootfs = Files.createDirectories(workDir.resolve("busybox-rootfs"));
    BusyboxRootfs.buildInto(busyboxRootfs);
    Path pauseArchive = new OciImageArchive(pauseImage, List.of("/pause"), List.of())
        .write(pauseRootfs, Files.createDirectories(workDir.resolve("pause-image")));
    Path busyboxArchive = new OciImageArchive(BUSYBOX, List.of(), List.of("/bin/sh"))
        .write(busyboxRootfs, Files.createDirectories(workDir.resolve("busybox-image")));

    // Not containerd.ctr(..): that would track k8s.io, whose runc state dir any other containerd's CRI shares.
    Ctr ctr = new Ctr(Path.of("/usr/bin/ctr"), containerd.address(), K8S_NAMESPACE, null, Duration.ofSeconds(60));
    for (Path archive : List.of(pauseArchive, busyboxArchive)) {
      ctr.ctr("images", "import", archive.toString()).orThrow();
    }
    for (String image : List.of(pauseImage, BUSYBOX)) {
      if (!await(() -> listed(cri, image), LISTED_BOUND)) {
        throw new IOException("failed to import image " + image + ": CRI does not list it after " + LISTED_BOUND);
      }
    }
    return pauseImage;
  }

  /** @return the CRI plugin's configuration, as its verbose Status reports it (JSON) */
  static String criConfig(CriClient cri) {
    return cri.runtime().status(StatusRequest.newBuilder().setVerbose(true).build()).getInfoOrThrow("config");
  }

  private static String configuredSandboxImage(CriClient cri) throws IOException {
    String config = criConfig(cri);
    String image = JSON.readTree(config).path("sandboxImage").asText();
    if (image.isEmpty()) {
      throw new IOException("failed to name the pause image: no sandboxImage in CRI's config " + config);
    }
    return image;
  }

  private static boolean listed(CriClient cri, String image) {
    return cri.images().imageStatus(ImageStatusRequest.newBuilder()
        .setImage(ImageSpec.newBuilder().setImage(image)).build()).hasImage();
  }
}
