package io.jshim.dist.cri;

import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.DigestInputStream;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.time.Duration;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Writes a single-layer OCI image as an image-layout tarball ({@code oci-layout}, {@code index.json},
 * {@code blobs/sha256/...}) that {@code ctr images import} reads: an uncompressed layer tar of a root directory,
 * the image config naming its diff id, the manifest, and an index whose manifest descriptor carries the
 * platform and the image name ({@code io.containerd.image.name} and {@code org.opencontainers.image.ref.name}).
 */
final class OciImageArchive {
  static final String INDEX_MEDIA_TYPE = "application/vnd.oci.image.index.v1+json";
  static final String MANIFEST_MEDIA_TYPE = "application/vnd.oci.image.manifest.v1+json";
  static final String CONFIG_MEDIA_TYPE = "application/vnd.oci.image.config.v1+json";
  static final String LAYER_MEDIA_TYPE = "application/vnd.oci.image.layer.v1.tar";
  private static final Duration TAR_BOUND = Duration.ofSeconds(60);
  private static final String DEFAULT_PATH = "PATH=/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin";

  private final ObjectMapper json = new ObjectMapper();
  private final String name;
  private final List<String> entrypoint;
  private final List<String> cmd;

  /**
   * @param name the full image reference, e.g. {@code docker.io/jshim/busybox:test}
   * @param entrypoint the config's Entrypoint
   * @param cmd the config's Cmd
   */
  OciImageArchive(String name, List<String> entrypoint, List<String> cmd) {
    this.name = name;
    this.entrypoint = List.copyOf(entrypoint);
    this.cmd = List.copyOf(cmd);
  }

  /**
   * @param rootfs the directory that becomes the image's only layer
   * @param workDir a scratch directory of this image's own (the layout is built in it)
   * @return the image tarball
   * @throws IOException if tar fails or a file cannot be written
   */
  Path write(Path rootfs, Path workDir) throws IOException {
    Path layout = Files.createDirectories(workDir.resolve("layout"));
    Path blobs = Files.createDirectories(layout.resolve("blobs/sha256"));
    Path layerTar = workDir.resolve("layer.tar");
    HostCommand.run(TAR_BOUND, List.of("tar", "--numeric-owner", "--owner=0", "--group=0", "-C", rootfs.toString(),
        "-cf", layerTar.toString(), "."));
    String layerDigest = sha256(layerTar);
    Files.move(layerTar, blobs.resolve(hex(layerDigest)));
    Map<String, Object> layer = descriptor(LAYER_MEDIA_TYPE, layerDigest, Files.size(blobs.resolve(hex(layerDigest))));

    Map<String, Object> config = new LinkedHashMap<>();
    config.put("architecture", architecture());
    config.put("os", "linux");
    config.put("config", Map.of("Env", List.of(DEFAULT_PATH), "Entrypoint", entrypoint, "Cmd", cmd, "WorkingDir", "/"));
    config.put("rootfs", Map.of("type", "layers", "diff_ids", List.of(layerDigest)));
    Map<String, Object> configDescriptor = writeBlob(blobs, CONFIG_MEDIA_TYPE, config);

    Map<String, Object> manifest = new LinkedHashMap<>();
    manifest.put("schemaVersion", 2);
    manifest.put("mediaType", MANIFEST_MEDIA_TYPE);
    manifest.put("config", configDescriptor);
    manifest.put("layers", List.of(layer));
    Map<String, Object> manifestDescriptor = writeBlob(blobs, MANIFEST_MEDIA_TYPE, manifest);
    manifestDescriptor.put("platform", Map.of("architecture", architecture(), "os", "linux"));
    manifestDescriptor.put("annotations",
        Map.of("io.containerd.image.name", name, "org.opencontainers.image.ref.name", name));

    Map<String, Object> index = new LinkedHashMap<>();
    index.put("schemaVersion", 2);
    index.put("mediaType", INDEX_MEDIA_TYPE);
    index.put("manifests", List.of(manifestDescriptor));
    Files.write(layout.resolve("index.json"), json.writeValueAsBytes(index));
    Files.write(layout.resolve("oci-layout"), json.writeValueAsBytes(Map.of("imageLayoutVersion", "1.0.0")));

    Path archive = workDir.resolve("image.tar");
    HostCommand.run(TAR_BOUND, List.of("tar", "--numeric-owner", "--owner=0", "--group=0", "-C", layout.toString(),
        "-cf", archive.toString(), "oci-layout", "index.json", "blobs"));
    return archive;
  }

  private Map<String, Object> writeBlob(Path blobs, String mediaType, Object content) throws IOException {
    byte[] bytes = json.writeValueAsBytes(content);
    String digest = "sha256:" + HexFormat.of().formatHex(sha256().digest(bytes));
    Files.write(blobs.resolve(hex(digest)), bytes);
    return descriptor(mediaType, digest, bytes.length);
  }

  private static Map<String, Object> descriptor(String mediaType, String digest, long size) {
    Map<String, Object> descriptor = new LinkedHashMap<>();
    descriptor.put("mediaType", mediaType);
    descriptor.put("digest", digest);
    descriptor.put("size", size);
    return descriptor;
  }

  private static String sha256(Path file) throws IOException {
    MessageDigest digest = sha256();
    try (InputStream in = new DigestInputStream(Files.newInputStream(file), digest)) {
      in.transferTo(java.io.OutputStream.nullOutputStream());
    }
    return "sha256:" + HexFormat.of().formatHex(digest.digest());
  }

  private static MessageDigest sha256() {
    try {
      return MessageDigest.getInstance("SHA-256");
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException("the JDK lacks SHA-256", e);
    }
  }

  private static String hex(String digest) {
    return digest.substring("sha256:".length());
  }

  /** @return the OCI architecture of this JVM's machine */
  static String architecture() {
    String arch = System.getProperty("os.arch");
    return switch (arch) {
      case "amd64", "x86_64" -> "amd64";
      case "aarch64" -> "arm64";
      default -> arch;
    };
  }
}
