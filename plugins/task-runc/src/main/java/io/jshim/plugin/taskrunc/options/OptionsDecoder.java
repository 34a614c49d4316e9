package io.jshim.plugin.taskrunc.options;

import com.google.protobuf.Any;
import com.google.protobuf.InvalidProtocolBufferException;
import io.jshim.api.ContainerdAny;
import io.jshim.api.linux.runc.CreateOptions;
import io.jshim.api.runc.v1.Options;
import io.jshim.plugin.taskrunc.error.TaskException;

import java.nio.charset.StandardCharsets;
import java.nio.file.Path;

/**
 * Decodes the {@code options} Any of a Create request (or of the start action's stdin) into
 * {@link RuncOptions}: {@code containerd.runc.v1.Options}, the legacy {@code containerd.linux.runc.CreateOptions}
 * (containerd's client sends it to runtimes not named {@code io.containerd.runc*}), CRI's
 * {@code runtimeoptions.v1.Options} (TOML in {@code config_path} or {@code config_body}), or nothing.
 */
public final class OptionsDecoder {
    private OptionsDecoder() {
    }

    /**
     * Decodes {@code any}; an unset or empty Any means no options.
     *
     * @throws TaskException.InvalidArgument for another message type or a malformed value
     */
    public static RuncOptions decode(Any any) {
        if (any == null || any.getTypeUrl().isEmpty()) {
            return RuncOptions.NONE;
        }
        try {
            if (ContainerdAny.is(any, Options.class)) {
                Options o = ContainerdAny.unpack(any, Options.class);
                return new RuncOptions(o.getBinaryName(), o.getRoot(), o.getCriuPath(), o.getSystemdCgroup(),
                        o.getNoPivotRoot(), o.getNoNewKeyring(), o.getShimCgroup(), o.getIoUid(), o.getIoGid(),
                        o.getCriuImagePath(), o.getCriuWorkPath());
            }
            if (ContainerdAny.is(any, CreateOptions.class)) {
                CreateOptions o = ContainerdAny.unpack(any, CreateOptions.class);
                return new RuncOptions("", "", "", false, o.getNoPivotRoot(), o.getNoNewKeyring(),
                        o.getShimCgroup(), o.getIoUid(), o.getIoGid(), o.getCriuImagePath(), o.getCriuWorkPath());
            }
            if (ContainerdAny.is(any, io.jshim.api.runtimeoptions.v1.Options.class)) {
                var o = ContainerdAny.unpack(any, io.jshim.api.runtimeoptions.v1.Options.class);
                if (!o.getConfigPath().isEmpty()) {
                    return TomlRuncOptions.read(Path.of(o.getConfigPath()));
                }
                if (!o.getConfigBody().isEmpty()) {
                    return TomlRuncOptions.parse(o.getConfigBody().toString(StandardCharsets.UTF_8),
                            "runtime options config_body");
                }
                return RuncOptions.NONE;
            }
        } catch (InvalidProtocolBufferException e) {
            throw new TaskException.InvalidArgument("failed to decode runtime options " + any.getTypeUrl() + ": "
                    + e.getMessage(), e);
        }
        throw new TaskException.InvalidArgument("unsupported runtime options type " + any.getTypeUrl());
    }
}
