package io.jshim.plugin.taskrunc.container;

import io.jshim.plugin.taskrunc.Identifiers;
import io.jshim.plugin.taskrunc.error.TaskException;
import io.jshim.plugin.taskrunc.json.JsonValues;
import io.jshim.plugin.taskrunc.process.ConsoleSockets;
import io.jshim.plugin.taskrunc.process.InitProcess;
import io.jshim.plugin.taskrunc.runc.CheckpointOptions;
import io.jshim.plugin.taskrunc.runc.CommandRunner;
import io.jshim.plugin.taskrunc.runc.Runc;
import io.jshim.plugin.taskrunc.runc.RuncConfig;
import io.jshim.plugin.taskrunc.stdio.IoOwner;
import io.jshim.plugin.taskrunc.stdio.ProcessIo;
import io.jshim.plugin.taskrunc.stdio.StdioFactory;
import io.jshim.posix.Posix;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.SeekableByteChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.nio.file.attribute.FileAttribute;
import java.nio.file.attribute.PosixFilePermission;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Objects;
import java.util.Set;

/**
 * Creates containers like the Go shim's {@code runc.NewContainer}: validates the id, records the runtime
 * options in the bundle ({@code options.json}, read back by the delete action), mounts the rootfs, opens the
 * stdio and runs {@code runc create}. Undoes the mounts and IO if anything fails, and then, when nothing of the
 * container is left, records the bundle's answer to the {@code delete} action ({@link FailedCreateRecord}).
 */
public final class ContainerFactory {
    private static final Logger LOG = LoggerFactory.getLogger(ContainerFactory.class);
    /** The file in the bundle recording the runtime options. */
    public static final String OPTIONS_FILE = "options.json";
    /** The mode of {@link #OPTIONS_FILE}: 0600, as the Go shim writes it. */
    private static final FileAttribute<Set<PosixFilePermission>> OWNER_ONLY =
            PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rw-------"));

    private final Posix posix;
    private final CommandRunner runner;
    private final StdioFactory stdio;
    private final RootfsMounter mounter;
    private final RuntimeDefaults defaults;
    private final FailedCreateRecord failedCreate;

    public ContainerFactory(Posix posix, CommandRunner runner, StdioFactory stdio, RootfsMounter mounter,
                            RuntimeDefaults defaults, FailedCreateRecord failedCreate) {
        this.posix = Objects.requireNonNull(posix, "posix is null");
        this.runner = Objects.requireNonNull(runner, "runner is null");
        this.stdio = Objects.requireNonNull(stdio, "stdio is null");
        this.mounter = Objects.requireNonNull(mounter, "mounter is null");
        this.defaults = Objects.requireNonNull(defaults, "defaults is null");
        this.failedCreate = Objects.requireNonNull(failedCreate, "failedCreate is null");
    }

    /**
     * Creates the container of {@code request} in {@code namespace}; its init is in state created.
     *
     * @throws TaskException.InvalidArgument for a bad id or bundle
     */
    public Container create(String namespace, CreateRequest request) {
        Identifiers.validate("container id", request.id());
        Path bundle = request.bundle();
        if (!bundle.isAbsolute() || !Files.isDirectory(bundle)) {
            throw new TaskException.InvalidArgument("bundle " + bundle + " of container " + request.id()
                    + " is not an existing absolute directory");
        }
        BundleSpec spec = BundleSpec.read(bundle);
        writeOptions(bundle, request);
        Runc runc = runc(namespace, bundle, request.options());
        try {
            DeleteRuntimeRecord.write(bundle, runc.config());
        } catch (IOException e) {
            throw new TaskException.Unknown("failed to write the delete record of container " + request.id() + ": "
                    + e.getMessage(), e);
        }
        Path rootfs = bundle.resolve("rootfs");
        boolean mounted = false;
        ProcessIo io = null;
        try {
            if (!request.rootfs().isEmpty()) {
                Files.createDirectories(rootfs);
                mounter.mountAll(request.rootfs(), rootfs);
                mounted = true;
            }
            CheckpointOptions restore = request.checkpoint().isEmpty() ? null
                    : new CheckpointOptions(Path.of(request.checkpoint()),
                    request.options().criuWorkPath().isEmpty() ? null : Path.of(request.options().criuWorkPath()),
                    false, false, false, request.stdio().terminal(), false, null);
            boolean unmount = !request.rootfs().isEmpty();
            InitProcess init = new InitProcess(request.id(), bundle, request.stdio(), runc,
                    new ConsoleSockets(posix, bundle), request.options().noPivotRoot(),
                    request.options().noNewKeyring(), restore, () -> {
                        if (unmount) {
                            mounter.unmountAll(rootfs);
                        }
                    });
            IoOwner owner = new IoOwner(request.options().ioUid(), request.options().ioGid());
            io = stdio.open(namespace, request.id(), request.id(), request.stdio(), owner);
            init.create(io);
            return new Container(request.id(), bundle, init, spec, owner);
        } catch (IOException e) {
            failedCreate.writeIfNothingLeft(request.id(), bundle, runc, cleanup(io, mounted, rootfs));
            throw new TaskException.Unknown("failed to create rootfs of container " + request.id() + ": " + e, e);
        } catch (RuntimeException e) {
            failedCreate.writeIfNothingLeft(request.id(), bundle, runc, cleanup(io, mounted, rootfs));
            throw e;
        }
    }

    /** The runc adapter for a container of {@code namespace} in {@code bundle} with {@code options}. */
    public Runc runc(String namespace, Path bundle, io.jshim.plugin.taskrunc.options.RuncOptions options) {
        Path root = Path.of(options.rootOr(defaults.root().toString())).resolve(namespace);
        return new Runc(new RuncConfig(options.binaryOr(defaults.binary()), root, bundle.resolve("log.json"),
                options.systemdCgroup(), options.criuPath()), runner);
    }

    /** Undoes the stdio and mounts of a failed create; returns whether all of it was undone. */
    private boolean cleanup(ProcessIo io, boolean mounted, Path rootfs) {
        boolean undone = true;
        if (io != null) {
            try {
                io.close();
            } catch (RuntimeException e) {
                LOG.atWarn().addKeyValue("error", e.toString()).log("failed to close the stdio of a failed create");
                undone = false;
            }
        }
        if (mounted) {
            undone &= mounter.unmountAll(rootfs);
        }
        return undone;
    }

    private static void writeOptions(Path bundle, CreateRequest request) {
        Map<String, Object> json = new LinkedHashMap<>();
        var o = request.options();
        json.put("binary_name", o.binaryName());
        json.put("root", o.root());
        json.put("systemd_cgroup", o.systemdCgroup());
        json.put("criu_path", o.criuPath());
        Path file = bundle.resolve(OPTIONS_FILE);
        try (SeekableByteChannel out = Files.newByteChannel(file, Set.of(StandardOpenOption.CREATE,
                StandardOpenOption.WRITE, StandardOpenOption.TRUNCATE_EXISTING), OWNER_ONLY)) {
            Files.setPosixFilePermissions(file, OWNER_ONLY.value()); // also when it existed
            out.write(ByteBuffer.wrap(JsonValues.write(json)));
        } catch (IOException e) {
            throw new TaskException.Unknown("failed to write runtime options of container " + request.id() + ": "
                    + e.getMessage(), e);
        }
    }
}
