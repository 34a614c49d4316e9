package io.jshim.framework;

import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;

/**
 * The shim socket address, derived exactly as containerd's Go shim does:
 * {@code unix:///run/containerd/s/} + hex(sha256(path.Join(address, namespace, groupId))).
 */
public final class SocketAddress {
    /** containerd's fixed socket directory (independent of containerd's own state dir). */
    public static final Path SOCKET_DIR = Path.of("/run/containerd/s");

    private SocketAddress() {
    }

    /** The {@code unix://} address for the group. */
    public static String of(String containerdAddress, String namespace, String groupId) {
        return "unix://" + path(containerdAddress, namespace, groupId);
    }

    /** The socket path for the group. */
    public static Path path(String containerdAddress, String namespace, String groupId) {
        String joined = goPathJoin(containerdAddress, namespace, groupId);
        try {
            byte[] digest = MessageDigest.getInstance("SHA-256").digest(joined.getBytes(StandardCharsets.UTF_8));
            return SOCKET_DIR.resolve(HexFormat.of().formatHex(digest));
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("SHA-256 is not available", e);
        }
    }

    /** The path of a {@code unix://} address ({@code unix://} removed). */
    public static Path pathOf(String address) {
        return Path.of(address.startsWith("unix://") ? address.substring("unix://".length()) : address);
    }

    /** Go's {@code path.Join}/{@code filepath.Join} on Unix: joins non-empty elements and cleans the result. */
    static String goPathJoin(String... elements) {
        StringBuilder joined = new StringBuilder();
        for (String element : elements) {
            if (element.isEmpty()) {
                continue;
            }
            if (!joined.isEmpty()) {
                joined.append('/');
            }
            joined.append(element);
        }
        return joined.isEmpty() ? "" : clean(joined.toString());
    }

    private static String clean(String path) {
        boolean rooted = path.startsWith("/");
        java.util.ArrayDeque<String> parts = new java.util.ArrayDeque<>();
        for (String part : path.split("/")) {
            if (part.isEmpty() || part.equals(".")) {
                continue;
            }
            if (part.equals("..")) {
                if (!parts.isEmpty() && !parts.peekLast().equals("..")) {
                    parts.removeLast();
                } else if (!rooted) {
                    parts.addLast("..");
                }
                continue;
            }
            parts.addLast(part);
        }
        String body = String.join("/", parts);
        if (rooted) {
            return "/" + body;
        }
        return body.isEmpty() ? "." : body;
    }
}
