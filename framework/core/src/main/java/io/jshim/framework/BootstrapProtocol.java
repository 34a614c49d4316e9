package io.jshim.framework;

import com.google.protobuf.InvalidProtocolBufferException;
import io.jshim.api.runtime.bootstrap.v1.BootstrapParams;
import io.jshim.api.runtime.bootstrap.v1.BootstrapResult;
import io.jshim.api.runtime.bootstrap.v1.LogLevel;
import java.util.HashMap;
import java.util.Map;
import java.util.Optional;

/**
 * containerd 2.3's start protocol: containerd writes a {@code containerd.runtime.bootstrap.v1.BootstrapParams}
 * protobuf on the {@code start} command's stdin and reads a {@code BootstrapResult} protobuf from its stdout.
 * Older containerd writes the runtime options ({@code google.protobuf.Any}) on stdin instead, which shares field
 * numbers with {@code BootstrapParams}; as in containerd's {@code pkg/shim}, the input counts as bootstrap
 * parameters only when it parses and its {@code instance_id} and {@code namespace} equal {@code -id} and
 * {@code -namespace}. Otherwise the legacy flags, environment and output apply.
 */
final class BootstrapProtocol {
    static final String PROTOCOL = "ttrpc";

    private BootstrapProtocol() {
    }

    /** The bootstrap parameters in {@code input}, if it carries them for this task. */
    static Optional<BootstrapParams> parse(byte[] input, String id, String namespace) {
        if (input.length == 0) {
            return Optional.empty();
        }
        BootstrapParams params;
        try {
            params = BootstrapParams.parseFrom(input);
        } catch (InvalidProtocolBufferException e) {
            return Optional.empty();
        }
        if (!params.getInstanceId().equals(id) || !params.getNamespace().equals(namespace)) {
            return Optional.empty();
        }
        return Optional.of(params);
    }

    /**
     * The options with what the parameters add: flags and environment win, the parameters fill what they left
     * empty (containerd's gRPC and TTRPC addresses, its binary), and a debug or trace log level sets debug.
     */
    static ShimOptions apply(BootstrapParams params, ShimOptions options) {
        return new ShimOptions(options.namespace(), options.id(), options.bundle(),
                options.debug() || params.getLogLevelValue() <= LogLevel.LOG_LEVEL_DEBUG_VALUE,
                orElse(options.address(), withoutScheme(params.getContainerdGrpcAddress())),
                orElse(options.publishBinary(), params.getContainerdBinary()),
                orElse(options.ttrpcAddress(), withoutScheme(params.getContainerdTtrpcAddress())),
                options.socket(), options.debugSocket());
    }

    /** The daemon's environment: {@code TTRPC_ADDRESS} from the parameters when the environment has none. */
    static Map<String, String> daemonEnv(ShimOptions applied, Map<String, String> env) {
        Map<String, String> daemon = new HashMap<>(env);
        if (!applied.ttrpcAddress().isEmpty()) {
            daemon.putIfAbsent("TTRPC_ADDRESS", applied.ttrpcAddress());
        }
        return daemon;
    }

    /**
     * What {@link ShimManager#daemonStarted} reads as runtime options: the first extension's
     * {@code google.protobuf.Any} (containerd's compatibility layer adds the runtime options as an extension),
     * or nothing.
     */
    static byte[] runtimeOptions(BootstrapParams params) {
        return params.getExtensionsCount() == 0 ? new byte[0] : params.getExtensions(0).getValue().toByteArray();
    }

    /** The {@code BootstrapResult} printed on stdout. */
    static byte[] result(String address, int version) {
        return BootstrapResult.newBuilder().setVersion(version).setAddress(address).setProtocol(PROTOCOL).build()
                .toByteArray();
    }

    private static String orElse(String value, String fallback) {
        return value.isEmpty() ? fallback : value;
    }

    private static String withoutScheme(String address) {
        return address.startsWith("unix://") ? address.substring("unix://".length()) : address;
    }
}
