package io.jshim.plugin.taskrunc;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;

import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

/**
 * An OCI bundle for tests: a busybox-static rootfs (every applet a symlink) and a config.json made from
 * {@code runc spec}'s default (no terminal, writable rootfs) with the given args.
 */
public final class TestBundle {
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final Path BUSYBOX = Path.of("/bin/busybox");
    private static final List<String> APPLETS = List.of("sh", "echo", "cat", "sleep", "head", "dd", "true", "false",
            "seq", "yes", "ls", "id", "kill", "ps", "tr", "wc", "stat");

    public final Path dir;
    final ObjectNode spec;

    private TestBundle(Path dir, ObjectNode spec) {
        this.dir = dir;
        this.spec = spec;
    }

    /** A bundle in {@code dir} whose rootfs is {@code dir/rootfs}. */
    public static TestBundle create(Path dir, String... args) throws IOException {
        Files.createDirectories(dir);
        populateRootfs(dir.resolve("rootfs"));
        ObjectNode spec;
        try (InputStream in = TestBundle.class.getResourceAsStream("/bundle/config-template.json")) {
            spec = (ObjectNode) JSON.readTree(in);
        }
        TestBundle bundle = new TestBundle(dir, spec);
        bundle.args(args);
        return bundle;
    }

    /** Creates {@code rootfs} with busybox and its applets (also used as the source of bind mounts). */
    public static void populateRootfs(Path rootfs) throws IOException {
        Path bin = Files.createDirectories(rootfs.resolve("bin"));
        for (String d : List.of("proc", "dev", "sys", "tmp", "etc")) {
            Files.createDirectories(rootfs.resolve(d));
        }
        Files.copy(BUSYBOX, bin.resolve("busybox"));
        for (String applet : APPLETS) {
            Files.createSymbolicLink(bin.resolve(applet), Path.of("busybox"));
        }
    }

    TestBundle args(String... args) throws IOException {
        ArrayNode a = ((ObjectNode) spec.get("process")).putArray("args");
        for (String s : args) {
            a.add(s);
        }
        return write();
    }

    /** Puts the container into cgroup {@code path} (relative to each hierarchy's root). */
    TestBundle cgroupsPath(String path) throws IOException {
        ((ObjectNode) spec.get("linux")).put("cgroupsPath", path);
        return write();
    }

    /** Shares the host's pid namespace (no own pid namespace). */
    TestBundle hostPidNamespace() throws IOException {
        ArrayNode namespaces = (ArrayNode) spec.get("linux").get("namespaces");
        for (int i = namespaces.size() - 1; i >= 0; i--) {
            if (namespaces.get(i).get("type").asText().equals("pid")) {
                namespaces.remove(i);
            }
        }
        return write();
    }

    TestBundle terminal(boolean terminal) throws IOException {
        ((ObjectNode) spec.get("process")).put("terminal", terminal);
        return write();
    }

    private TestBundle write() throws IOException {
        JSON.writeValue(dir.resolve("config.json").toFile(), spec);
        return this;
    }
}
