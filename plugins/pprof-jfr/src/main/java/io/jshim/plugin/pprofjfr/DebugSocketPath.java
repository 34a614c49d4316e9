package io.jshim.plugin.pprofjfr;

import io.jshim.framework.ShimOptions;
import io.jshim.framework.plugin.SkipPluginException;
import java.io.IOException;
import java.net.UnixDomainSocketAddress;
import java.nio.channels.Channel;
import java.nio.channels.ServerSocketChannel;
import java.nio.file.Path;

/**
 * Where the debug socket goes: {@code -debug-socket} when containerd passes it, else the task socket plus
 * {@value PprofJfrPlugin#DEBUG_SOCKET_SUFFIX}. The task socket is {@code -socket} when given, else the listening
 * socket the {@code start} action handed the daemon on fd 0 (containerd 1.6 passes no {@code -socket}).
 */
final class DebugSocketPath {
    private static final String UNIX_SCHEME = "unix://";

    private DebugSocketPath() {}

    /** @param inherited what {@link System#inheritedChannel()} returns in the daemon (null when nothing) */
    static Path resolve(ShimOptions options, Channel inherited) throws SkipPluginException {
        if (!options.debugSocket().isEmpty()) {
            return Path.of(withoutScheme(options.debugSocket()));
        }
        if (!options.socket().isEmpty()) {
            return Path.of(withoutScheme(options.socket()) + PprofJfrPlugin.DEBUG_SOCKET_SUFFIX);
        }
        Path listening = listeningPath(inherited);
        if (listening != null) {
            return Path.of(listening + PprofJfrPlugin.DEBUG_SOCKET_SUFFIX);
        }
        throw new SkipPluginException("no debug socket path: the shim got neither -debug-socket nor -socket,"
                + " and fd 0 is not a listening Unix socket");
    }

    static Channel inheritedChannel() {
        try {
            return System.inheritedChannel();
        } catch (IOException | SecurityException e) {
            return null;
        }
    }

    private static Path listeningPath(Channel inherited) {
        if (inherited instanceof ServerSocketChannel server && server.isOpen()) {
            try {
                if (server.getLocalAddress() instanceof UnixDomainSocketAddress unix && !unix.getPath().toString().isEmpty()) {
                    return unix.getPath();
                }
            } catch (IOException e) {
                return null;
            }
        }
        return null;
    }

    private static String withoutScheme(String address) {
        return address.startsWith(UNIX_SCHEME) ? address.substring(UNIX_SCHEME.length()) : address;
    }
}
