package io.jshim.dist.faults;

import io.jshim.testing.containerd.BusyboxRootfs;
import io.jshim.testing.containerd.Ctr;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.time.Duration;
import java.util.HexFormat;
import java.util.List;

/**
 * An OCI image of the busybox rootfs, built offline and imported with {@code ctr images import}, so containers
 * get a snapshotter rootfs mounted into the bundle (which {@code --rootfs} containers do not have).
 */
final class BusyboxImage {
  /** The imported image's name. */
  static final String NAME = "docker.io/jshim/busybox:faults";

  private BusyboxImage() {}

  /** Builds the OCI archive in {@code dir} and imports it through {@code ctr}. */
  static void importInto(Ctr ctr, Path dir) throws IOException, InterruptedException {
    Path layout = Files.createDirectories(dir.resolve("oci"));
    Path blobs = Files.createDirectories(layout.resolve("blobs/sha256"));
    Path layer = dir.resolve("layer.tar");
    run(List.of("tar", "-C", BusyboxRootfs.path().toString(), "-cf", layer.toString(), "."));
    byte[] layerBytes = Files.readAllBytes(layer);
    String layerDigest = blob(blobs, layerBytes);
    byte[] config = ("{\"architecture\":\"amd64\",\"os\":\"linux\",\"config\":{\"Cmd\":[\"/bin/sh\"]},"
        + "\"rootfs\":{\"type\":\"layers\",\"diff_ids\":[\"" + layerDigest + "\"]}}").getBytes(StandardCharsets.UTF_8);
    String configDigest = blob(blobs, config);
    byte[] manifest = ("{\"schemaVersion\":2,\"mediaType\":\"application/vnd.oci.image.manifest.v1+json\","
        + "\"config\":{\"mediaType\":\"application/vnd.oci.image.config.v1+json\",\"digest\":\"" + configDigest
        + "\",\"size\":" + config.length + "},\"layers\":[{\"mediaType\":\"application/vnd.oci.image.layer.v1.tar\","
        + "\"digest\":\"" + layerDigest + "\",\"size\":" + layerBytes.length + "}]}").getBytes(StandardCharsets.UTF_8);
    String manifestDigest = blob(blobs, manifest);
    Files.writeString(layout.resolve("index.json"), "{\"schemaVersion\":2,\"manifests\":[{\"mediaType\":"
        + "\"application/vnd.oci.image.manifest.v1+json\",\"digest\":\"" + manifestDigest + "\",\"size\":" + manifest.length
        + ",\"annotations\":{\"io.containerd.image.name\":\"" + NAME + "\",\"org.opencontainers.image.ref.name\":\"faults\"}}]}");
    Files.writeString(layout.resolve("oci-layout"), "{\"imageLayoutVersion\":\"1.0.0\"}");
    Path archive = dir.resolve("busybox-oci.tar");
    run(List.of("tar", "-C", layout.toString(), "-cf", archive.toString(), "."));
    ctr.ctr(null, Duration.ofSeconds(60), List.of("images", "import", archive.toString())).orThrow();
  }

  private static String blob(Path blobs, byte[] content) throws IOException {
    try {
      String hex = HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(content));
      Files.write(blobs.resolve(hex), content);
      return "sha256:" + hex;
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException(e);
    }
  }

  private static void run(List<String> command) throws IOException, InterruptedException {
    Process process = new ProcessBuilder(command).redirectErrorStream(true).start();
    String output = new String(process.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
    if (process.waitFor() != 0) {
      throw new IOException("failed to run " + command + ": " + output);
    }
  }
}
