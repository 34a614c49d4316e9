package io.jshim.ttrpc;

import static java.lang.invoke.MethodType.methodType;

import java.lang.foreign.Arena;
import java.lang.foreign.FunctionDescriptor;
import java.lang.foreign.Linker;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.lang.invoke.MethodHandle;
import java.lang.invoke.MethodHandles;
import java.nio.channels.SocketChannel;
import java.util.Optional;
import java.util.OptionalLong;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Reads the pid of the process at the other end of a Unix-domain {@link SocketChannel} from Linux's
 * {@code SO_PEERCRED}, whose {@code struct ucred} the JDK's {@link jdk.net.ExtendedSocketOptions#SO_PEERCRED}
 * reduces to user and group. The channel's file descriptor is only reachable through the JDK-internal
 * {@code sun.nio.ch.SelChImpl#getFDVal}, so this needs {@code --add-exports java.base/sun.nio.ch=ALL-UNNAMED}
 * and, for the {@code getsockopt} downcall, {@code --enable-native-access=ALL-UNNAMED}; without either (or off
 * Linux) every pid is unknown, and nothing is printed or thrown.
 *
 * <p>Nothing is linked until the first {@link #pidOf}: the downcall costs milliseconds and generated classes
 * to link, so a server reads pids only when a log needs one, never on its start path.
 */
final class PeerPidReader {

    private static final Logger log = LoggerFactory.getLogger(PeerPidReader.class);

    private static final int SOL_SOCKET = 1;
    /** struct ucred: pid_t pid, uid_t uid, gid_t gid. */
    private static final long UCRED_SIZE = 12;

    /** Linked on first use; empty when the pid cannot be read in this JVM. Guarded by {@code this}. */
    private Optional<Handles> handles;

    /** @return the peer's pid at connect time; empty when unknown (see the class comment) or the channel is closed */
    OptionalLong pidOf(SocketChannel channel) {
        Optional<Handles> linked = link();
        if (linked.isEmpty() || !channel.isOpen()) {
            return OptionalLong.empty();
        }
        int pid;
        try (Arena arena = Arena.ofConfined()) {
            int fd = (int) linked.get().fdVal().invokeExact(channel);
            MemorySegment ucred = arena.allocate(UCRED_SIZE, 4);
            MemorySegment length = arena.allocate(ValueLayout.JAVA_INT);
            length.set(ValueLayout.JAVA_INT, 0, (int) UCRED_SIZE);
            int rc = (int) linked.get().getsockopt().invokeExact(fd, SOL_SOCKET, linked.get().soPeerCred(), ucred, length);
            if (rc != 0) {
                log.debug("failed to read SO_PEERCRED of fd {}: getsockopt returned {}", fd, rc);
                return OptionalLong.empty();
            }
            pid = ucred.get(ValueLayout.JAVA_INT, 0);
        } catch (Throwable e) {
            log.debug("failed to read SO_PEERCRED: {}", e.toString());
            return OptionalLong.empty();
        }
        // closing a channel marks it closed before its descriptor is released: open now means the descriptor
        // was still this channel's during getsockopt, not a reused number
        if (!channel.isOpen() || pid <= 0) {
            // 0: the peer is in a pid namespace that this process cannot see
            return OptionalLong.empty();
        }
        return OptionalLong.of(pid);
    }

    private synchronized Optional<Handles> link() {
        if (handles == null) {
            handles = Handles.link();
        }
        return handles;
    }

    /** The channel's fd accessor, the {@code getsockopt} downcall and this architecture's {@code SO_PEERCRED}. */
    private record Handles(MethodHandle fdVal, MethodHandle getsockopt, int soPeerCred) {

        static Optional<Handles> link() {
            int soPeerCred = soPeerCredOfThisLinux();
            Module self = PeerPidReader.class.getModule();
            if (soPeerCred < 0) {
                log.debug("peer pids unknown: SO_PEERCRED unknown on os={} arch={}", System.getProperty("os.name"), System.getProperty("os.arch"));
                return Optional.empty();
            }
            if (!Object.class.getModule().isExported("sun.nio.ch", self)) {
                log.debug("peer pids unknown: needs --add-exports java.base/sun.nio.ch={}", self.isNamed() ? self.getName() : "ALL-UNNAMED");
                return Optional.empty();
            }
            if (!self.isNativeAccessEnabled()) {
                log.debug("peer pids unknown: needs --enable-native-access={}", self.isNamed() ? self.getName() : "ALL-UNNAMED");
                return Optional.empty();
            }
            try {
                MethodHandle fdVal = MethodHandles.lookup()
                        .findVirtual(Class.forName("sun.nio.ch.SelChImpl"), "getFDVal", methodType(int.class))
                        .asType(methodType(int.class, SocketChannel.class));
                Linker linker = Linker.nativeLinker();
                MemorySegment symbol = linker.defaultLookup().find("getsockopt").orElseThrow();
                MethodHandle getsockopt = linker.downcallHandle(symbol, FunctionDescriptor.of(ValueLayout.JAVA_INT,
                        ValueLayout.JAVA_INT, ValueLayout.JAVA_INT, ValueLayout.JAVA_INT, ValueLayout.ADDRESS, ValueLayout.ADDRESS));
                return Optional.of(new Handles(fdVal, getsockopt, soPeerCred));
            } catch (ReflectiveOperationException | RuntimeException e) {
                log.debug("peer pids unknown: failed to link getsockopt: {}", e.toString());
                return Optional.empty();
            }
        }

        /** @return SO_PEERCRED of Linux on this architecture, -1 elsewhere */
        private static int soPeerCredOfThisLinux() {
            if (!System.getProperty("os.name", "").equals("Linux")) {
                return -1;
            }
            return switch (System.getProperty("os.arch", "")) {
                case "amd64", "x86_64", "aarch64", "riscv64", "s390x", "loongarch64" -> 17;
                case "ppc64", "ppc64le" -> 21;
                default -> -1;
            };
        }
    }
}
