package io.jshim.framework;

import static java.util.Objects.requireNonNull;

import java.nio.file.Path;

/**
 * What containerd told this shim process: its flags (Go style, {@code -namespace ...}) and environment.
 * The same values reach every action ({@code start}, {@code delete}, the daemon) and every plugin through
 * {@link io.jshim.framework.plugin.PluginContext#options()}.
 *
 * <p>Optional values are empty strings when containerd did not pass them.
 *
 * @param namespace     {@code -namespace}: the containerd namespace owning the shim (never empty)
 * @param id            {@code -id}: the id of the task the shim was started for
 * @param bundle        {@code -bundle}, else the working directory: the task's bundle directory (absolute)
 * @param debug         {@code -debug}: log at debug level
 * @param address       {@code -address}: containerd's gRPC socket path (also the key of the socket hash)
 * @param publishBinary {@code -publish-binary}: containerd's binary, used to publish events when
 *                      {@code TTRPC_ADDRESS} is not set
 * @param ttrpcAddress  env {@code TTRPC_ADDRESS}: containerd's TTRPC socket path for events
 * @param socket        {@code -socket}: the socket path to serve (containerd 2.x passes it to the daemon); in a
 *                      daemon that ran {@code start} itself, the socket it serves
 * @param debugSocket   {@code -debug-socket}: the debug socket path to serve
 */
public record ShimOptions(
        String namespace,
        String id,
        Path bundle,
        boolean debug,
        String address,
        String publishBinary,
        String ttrpcAddress,
        String socket,
        String debugSocket) {

    /** Checks that no component is null (empty strings are allowed). */
    public ShimOptions {
        requireNonNull(namespace, "namespace is null");
        requireNonNull(id, "id is null");
        requireNonNull(bundle, "bundle is null");
        requireNonNull(address, "address is null");
        requireNonNull(publishBinary, "publishBinary is null");
        requireNonNull(ttrpcAddress, "ttrpcAddress is null");
        requireNonNull(socket, "socket is null");
        requireNonNull(debugSocket, "debugSocket is null");
    }

    /**
     * @param socket the task socket ({@code unix://} address or path) the daemon serves
     * @return these options with {@link #socket()} replaced
     */
    public ShimOptions withSocket(String socket) {
        return new ShimOptions(namespace, id, bundle, debug, address, publishBinary, ttrpcAddress, socket, debugSocket);
    }
}
