package io.jshim.plugin.taskrunc.runc;

import io.jshim.plugin.taskrunc.json.JsonValues;
import io.jshim.plugin.taskrunc.runc.CommandRunner.ChildStdio;
import io.jshim.plugin.taskrunc.runc.CommandRunner.Command;
import io.jshim.plugin.taskrunc.runc.CommandRunner.Result;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;

/**
 * Builds and runs the command lines of an OCI runtime (runc or a compatible one such as crun), like go-runc.
 * Every call runs the binary once through the {@link CommandRunner}; a non-zero exit becomes a
 * {@link RuncException} carrying the runtime's output. {@link #lastError()} reads the JSON log for the message
 * the Go shim puts after "OCI runtime create failed: ".
 */
public final class Runc {
    private final RuncConfig config;
    private final CommandRunner runner;

    public Runc(RuncConfig config, CommandRunner runner) {
        this.config = Objects.requireNonNull(config, "config is null");
        this.runner = Objects.requireNonNull(runner, "runner is null");
    }

    /** The flags of this runtime. */
    public RuncConfig config() {
        return config;
    }

    /**
     * {@code runc create}: sets up the container and leaves its init blocked until {@link #start}.
     *
     * @param consoleSocket socket receiving the pty master, or {@code null} without a terminal
     * @param stdio         the container's stdio fds (ignored with a terminal)
     */
    public void create(String id, Path bundle, Path pidFile, Path consoleSocket, boolean noPivot,
                       boolean noNewKeyring, ChildStdio stdio) throws RuncException {
        List<String> args = new ArrayList<>(List.of("create", "--bundle", bundle.toString(),
                "--pid-file", pidFile.toString()));
        addConsoleSocket(args, consoleSocket);
        if (noPivot) {
            args.add("--no-pivot");
        }
        if (noNewKeyring) {
            args.add("--no-new-keyring");
        }
        args.add(id);
        run(args, null, stdio, null);
    }

    /** {@code runc start}: lets the created init run the user process. */
    public void start(String id) throws RuncException {
        run(List.of("start", id), null, null, null);
    }

    /**
     * {@code runc exec --detach}: runs an additional process described by an OCI process JSON.
     * The JSON is written to {@code processFile} (inside the bundle) and removed afterwards.
     */
    public void exec(String id, byte[] processJson, Path processFile, Path pidFile, Path consoleSocket,
                     ChildStdio stdio) throws RuncException {
        try {
            Files.write(processFile, processJson);
        } catch (IOException e) {
            throw new RuncException(List.of(config.binary(), "exec"), e);
        }
        try {
            List<String> args = new ArrayList<>(List.of("exec", "--process", processFile.toString(), "--detach",
                    "--pid-file", pidFile.toString()));
            addConsoleSocket(args, consoleSocket);
            args.add(id);
            run(args, null, stdio, null);
        } finally {
            try {
                Files.deleteIfExists(processFile);
            } catch (IOException ignored) {
                // best effort: the bundle is removed with the container
            }
        }
    }

    /** {@code runc kill [--all] ID SIGNAL}. */
    public void kill(String id, int signal, boolean all) throws RuncException {
        List<String> args = new ArrayList<>(List.of("kill"));
        if (all) {
            args.add("--all");
        }
        args.add(id);
        args.add(Integer.toString(signal));
        run(args, null, null, null);
    }

    /** {@code runc delete [--force]}. */
    public void delete(String id, boolean force) throws RuncException {
        List<String> args = new ArrayList<>(List.of("delete"));
        if (force) {
            args.add("--force");
        }
        args.add(id);
        run(args, null, null, null);
    }

    /** {@code runc pause}. */
    public void pause(String id) throws RuncException {
        run(List.of("pause", id), null, null, null);
    }

    /** {@code runc resume}. */
    public void resume(String id) throws RuncException {
        run(List.of("resume", id), null, null, null);
    }

    /** {@code runc update --resources -} with the OCI LinuxResources JSON on stdin. */
    public void update(String id, byte[] resourcesJson) throws RuncException {
        run(List.of("update", "--resources", "-", id), resourcesJson, null, null);
    }

    /** {@code runc ps --format json}: the pids of every process of the container. */
    public List<Integer> ps(String id) throws RuncException {
        String out = run(List.of("ps", "--format", "json", id), null, null, null).output();
        List<Integer> pids = new ArrayList<>();
        for (Object pid : JsonValues.array(parse(List.of("ps", id), out))) {
            pids.add(JsonValues.integer(pid, 0));
        }
        return pids;
    }

    /** {@code runc state}: status ("created", "running", "paused", "stopped") and init pid. */
    public RuncState state(String id) throws RuncException {
        String out = run(List.of("state", id), null, null, null).output();
        Object node = parse(List.of("state", id), out);
        return new RuncState(JsonValues.text(JsonValues.member(node, "status"), ""),
                JsonValues.integer(JsonValues.member(node, "pid"), 0));
    }

    /** {@code runc checkpoint}. */
    public void checkpoint(String id, CheckpointOptions options) throws RuncException {
        List<String> args = new ArrayList<>(List.of("checkpoint"));
        args.addAll(options.criuArgs());
        if (!options.exit()) {
            args.add("--leave-running");
        }
        args.add(id);
        run(args, null, null, null);
    }

    /** {@code runc restore --detach}: recreates a container from a checkpoint image. */
    public void restore(String id, Path bundle, Path pidFile, Path consoleSocket, boolean noPivot,
                        CheckpointOptions options, ChildStdio stdio) throws RuncException {
        List<String> args = new ArrayList<>(List.of("restore", "--detach", "--pid-file", pidFile.toString(),
                "--bundle", bundle.toString()));
        args.addAll(options.criuArgs());
        addConsoleSocket(args, consoleSocket);
        if (noPivot) {
            args.add("--no-pivot");
        }
        args.add(id);
        run(args, null, stdio, null);
    }

    /**
     * The last message logged at level "error" in runc's JSON log, or empty when there is none. The Go shim
     * reports this instead of the bare exit status.
     */
    public String lastError() {
        String last = "";
        try {
            if (!Files.exists(config.log())) {
                return "";
            }
            for (String line : Files.readAllLines(config.log(), StandardCharsets.UTF_8)) {
                if (line.isBlank()) {
                    continue;
                }
                try {
                    Object entry = JsonValues.parse(line);
                    if ("error".equals(JsonValues.text(JsonValues.member(entry, "level"), ""))) {
                        last = JsonValues.text(JsonValues.member(entry, "msg"), "");
                    }
                } catch (IOException malformed) {
                    // runc writes one JSON object per line; skip anything else
                }
            }
        } catch (IOException e) {
            return "";
        }
        return last;
    }

    /** The full command line for {@code args}, global flags first. */
    List<String> commandLine(List<String> args) {
        List<String> argv = new ArrayList<>();
        argv.add(config.binary());
        argv.add("--root");
        argv.add(config.root().toString());
        argv.add("--log");
        argv.add(config.log().toString());
        argv.add("--log-format");
        argv.add("json");
        if (!config.criuPath().isEmpty()) {
            argv.add("--criu");
            argv.add(config.criuPath());
        }
        if (config.systemdCgroup()) {
            argv.add("--systemd-cgroup");
        }
        argv.addAll(args);
        return argv;
    }

    private Result run(List<String> args, byte[] stdin, ChildStdio stdio, Path workDir) throws RuncException {
        List<String> argv = commandLine(args);
        Result result;
        try {
            result = runner.run(new Command(argv, stdin, stdio, workDir));
        } catch (IOException e) {
            throw new RuncException(argv, e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new RuncException(argv, e);
        }
        if (!result.success()) {
            throw new RuncException(argv, result.exitStatus(), result.output());
        }
        return result;
    }

    private static void addConsoleSocket(List<String> args, Path consoleSocket) {
        if (consoleSocket != null) {
            args.add("--console-socket");
            args.add(consoleSocket.toString());
        }
    }

    private Object parse(List<String> what, String out) throws RuncException {
        try {
            return JsonValues.parse(out);
        } catch (IOException e) {
            throw new RuncException(commandLine(what), new IOException("unparsable output " + out.strip(), e));
        }
    }
}
