package io.jshim.plugin.taskrunc.manager;

import com.google.protobuf.Any;
import com.google.protobuf.InvalidProtocolBufferException;
import io.jshim.api.types.RuntimeInfo;
import io.jshim.api.types.RuntimeVersion;
import io.jshim.framework.ShimException;
import io.jshim.framework.ShimManager;
import io.jshim.framework.ShimOptions;
import io.jshim.plugin.taskrunc.container.BundleSpec;
import io.jshim.plugin.taskrunc.container.ContainerFactory;
import io.jshim.plugin.taskrunc.container.FailedCreateRecord;
import io.jshim.plugin.taskrunc.container.RootfsMounter;
import io.jshim.plugin.taskrunc.json.JsonValues;
import io.jshim.plugin.taskrunc.options.OptionsDecoder;
import io.jshim.plugin.taskrunc.options.RuncOptions;
import io.jshim.plugin.taskrunc.runc.LauncherCommandRunner;
import io.jshim.plugin.taskrunc.runc.Runc;
import io.jshim.plugin.taskrunc.runc.RuncConfig;
import io.jshim.plugin.taskrunc.runc.RuncException;
import io.jshim.posix.Posix;
import io.jshim.posix.PosixImplementation;
import io.jshim.posix.ProcessLauncher;
import io.jshim.posix.ProcessReaper;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;

/**
 * The {@link ShimManager} of {@code containerd-shim-jrunc-v2} (runtime {@code io.containerd.jrunc.v2}):
 * groups tasks by their sandbox annotations, moves the daemon into the options' {@code shim_cgroup}, and
 * implements the {@code delete} action ({@code runc delete --force}, unmount the rootfs, exit status 137, the pid of
 * {@code init.pid} or -1 without one, as the Go shim) and {@code -info}.
 */
public class RuncShimManager implements ShimManager {
    /** The runtime name containerd uses for this shim. */
    public static final String RUNTIME_NAME = "io.containerd.jrunc.v2";
    private static final int SIGKILL = 9;
    /** Bound on {@code <runtime> features}. */
    private static final Duration FEATURES_TIMEOUT = Duration.ofSeconds(10);

    private final String defaultBinary;
    private final Path defaultRoot;
    private final Path cgroupRoot;
    private final Duration featuresTimeout;

    /** With the defaults of containerd's runc shim ({@code runc}, {@code /run/containerd/runc}). */
    public RuncShimManager() {
        this("runc", Path.of("/run/containerd/runc"), Path.of("/sys/fs/cgroup"));
    }

    RuncShimManager(String defaultBinary, Path defaultRoot, Path cgroupRoot) {
        this(defaultBinary, defaultRoot, cgroupRoot, FEATURES_TIMEOUT);
    }

    RuncShimManager(String defaultBinary, Path defaultRoot, Path cgroupRoot, Duration featuresTimeout) {
        this.defaultBinary = defaultBinary;
        this.defaultRoot = defaultRoot;
        this.cgroupRoot = cgroupRoot;
        this.featuresTimeout = featuresTimeout;
    }

    @Override
    public String name() {
        return RUNTIME_NAME;
    }

    /** The source revision of the build ({@code build.properties} next to this class), else "unknown". */
    @Override
    public String revision() {
        try (InputStream in = RuncShimManager.class.getResourceAsStream("build.properties")) {
            if (in == null) {
                return "unknown";
            }
            java.util.Properties build = new java.util.Properties();
            build.load(in);
            return build.getProperty("revision", "unknown");
        } catch (IOException e) {
            return "unknown";
        }
    }

    @Override
    public String groupId(ShimOptions options) {
        return ShimGrouping.groupOf(options.id(), BundleSpec.read(options.bundle()).annotations());
    }

    @Override
    public void daemonStarted(ShimOptions options, int daemonPid, InputStream stdin) throws Exception {
        byte[] data = stdin.readAllBytes();
        if (data.length == 0) {
            return;
        }
        RuncOptions runcOptions = OptionsDecoder.decode(Any.parseFrom(data));
        if (!runcOptions.shimCgroup().isEmpty()) {
            new ShimCgroup(cgroupRoot).join(runcOptions.shimCgroup(), daemonPid);
        }
    }

    @Override
    public StopStatus delete(ShimOptions options) throws Exception {
        Path bundle = options.bundle();
        Posix posix = PosixImplementation.FFM.create();
        try (ProcessReaper reaper = new ProcessReaper(posix)) {
            reaper.start();
            Runc runc = runc(options.namespace(), bundle,
                    new LauncherCommandRunner(posix, new ProcessLauncher(posix, reaper), Duration.ofSeconds(30)));
            try {
                runc.delete(options.id(), true);
            } catch (RuncException e) {
                DeletePath.LOG.warn("failed to remove runc container id={} error={}", options.id(), e.getMessage());
            }
            new RootfsMounter(posix).unmountAll(bundle.resolve("rootfs"));
        }
        return new StopStatus(FailedCreateRecord.initPid(bundle), 128 + SIGKILL, Instant.now());
    }

    /**
     * The {@code -info} action, as the Go shim of containerd 2.x: name, version, the runtime options read from
     * {@code options} (a protobuf {@code Any}, carried back as given) and the {@code features} of the runtime binary
     * they name ({@code binary_name}, else {@code runc} on {@code PATH}). A binary that is not found is an error; one
     * without a working {@code features} command gives the rest.
     */
    @Override
    public RuntimeInfo info(InputStream options) throws Exception {
        RuntimeInfo.Builder info = RuntimeInfo.newBuilder().setName(name())
                .setVersion(RuntimeVersion.newBuilder().setVersion(version()).setRevision(revision()));
        String binary = defaultBinary;
        byte[] data = options.readAllBytes();
        if (data.length > 0) {
            Any any;
            RuncOptions decoded;
            try {
                any = Any.parseFrom(data);
                decoded = OptionsDecoder.decode(any);
            } catch (InvalidProtocolBufferException | RuntimeException e) {
                throw new ShimException("failed to read runtime options from stdin: " + e.getMessage(), e);
            }
            info.setOptions(any);
            binary = decoded.binaryOr(binary);
        }
        Path path = lookPath(binary, System.getenv("PATH"));
        new RuntimeFeatures(featuresTimeout).probe(path).ifPresent(info::setFeatures);
        return info.build();
    }

    /** Go's {@code exec.LookPath}: a name with a slash as it is, else the first executable file on {@code path}. */
    static Path lookPath(String binary, String path) throws ShimException {
        if (binary.contains("/")) {
            Path file = Path.of(binary);
            if (Files.isRegularFile(file) && Files.isExecutable(file)) {
                return file.toAbsolutePath();
            }
        } else {
            for (String dir : (path == null ? "" : path).split(":")) {
                Path file = Path.of(dir.isEmpty() ? "." : dir).resolve(binary);
                if (Files.isRegularFile(file) && Files.isExecutable(file)) {
                    return file.toAbsolutePath();
                }
            }
        }
        throw new ShimException("failed to look up the path of \"" + binary + "\": executable file not found"
                + (binary.contains("/") ? "" : " in $PATH"));
    }

    /** The runtime recorded in the bundle's {@code options.json} by Create, else the defaults. */
    Runc runc(String namespace, Path bundle, io.jshim.plugin.taskrunc.runc.CommandRunner runner) {
        String binary = defaultBinary;
        Path root = defaultRoot;
        boolean systemd = false;
        Path file = bundle.resolve(ContainerFactory.OPTIONS_FILE);
        if (Files.exists(file)) {
            try {
                Object o = JsonValues.parse(Files.readAllBytes(file));
                String binaryName = JsonValues.text(JsonValues.member(o, "binary_name"), "");
                String rootName = JsonValues.text(JsonValues.member(o, "root"), "");
                binary = binaryName.isEmpty() ? binary : binaryName;
                root = rootName.isEmpty() ? root : Path.of(rootName);
                systemd = JsonValues.bool(JsonValues.member(o, "systemd_cgroup"), false);
            } catch (IOException e) {
                DeletePath.LOG.warn("failed to read runtime options file={} error={}", file, e.getMessage());
            }
        }
        return new Runc(new RuncConfig(binary, root.resolve(namespace), bundle.resolve("log.json"), systemd, ""),
                runner);
    }

    /**
     * What only {@code delete} uses, initialised on first use: the {@code start} action constructs this manager
     * too and must not pay for a logging back-end (log4j2).
     */
    private static final class DeletePath {
        static final Logger LOG = LoggerFactory.getLogger(RuncShimManager.class);
    }
}
