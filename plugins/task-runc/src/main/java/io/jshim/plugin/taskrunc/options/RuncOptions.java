package io.jshim.plugin.taskrunc.options;

/**
 * The runtime options of one container, whichever way containerd sent them ({@code containerd.runc.v1.Options},
 * the legacy {@code containerd.linux.runc.CreateOptions}, CRI's {@code runtimeoptions.v1.Options} pointing to a
 * TOML file, or nothing). Empty strings mean "use the shim's default".
 *
 * @param binaryName    runtime binary ({@code runc}, {@code crun}, a path)
 * @param root          runtime state root ({@code /run/containerd/runc} by default; the namespace is appended)
 * @param criuPath      criu binary
 * @param systemdCgroup use systemd cgroups
 * @param noPivotRoot   {@code --no-pivot}
 * @param noNewKeyring  {@code --no-new-keyring}
 * @param shimCgroup    cgroup the shim joins
 * @param ioUid         owner of the stdio pipes
 * @param ioGid         group of the stdio pipes
 * @param criuImagePath default checkpoint image path
 * @param criuWorkPath  default checkpoint work path
 */
public record RuncOptions(String binaryName, String root, String criuPath, boolean systemdCgroup,
                          boolean noPivotRoot, boolean noNewKeyring, String shimCgroup, int ioUid, int ioGid,
                          String criuImagePath, String criuWorkPath) {

    /** No options: every value is the shim's default. */
    public static final RuncOptions NONE = new RuncOptions("", "", "", false, false, false, "", 0, 0, "", "");

    public RuncOptions {
        binaryName = nullToEmpty(binaryName);
        root = nullToEmpty(root);
        criuPath = nullToEmpty(criuPath);
        shimCgroup = nullToEmpty(shimCgroup);
        criuImagePath = nullToEmpty(criuImagePath);
        criuWorkPath = nullToEmpty(criuWorkPath);
    }

    /** The binary to run: {@link #binaryName()} or {@code fallback}. */
    public String binaryOr(String fallback) {
        return binaryName.isEmpty() ? fallback : binaryName;
    }

    /** The state root: {@link #root()} or {@code fallback}. */
    public String rootOr(String fallback) {
        return root.isEmpty() ? fallback : root;
    }

    private static String nullToEmpty(String s) {
        return s == null ? "" : s;
    }
}
