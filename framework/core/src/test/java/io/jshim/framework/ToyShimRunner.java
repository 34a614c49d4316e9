package io.jshim.framework;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

/** Runs the toy shim ({@code ToyManager}) as containerd would: a new JVM, a working directory, env and stdin. */
final class ToyShimRunner {
    record Result(int code, byte[] stdout, String stderr) {
        String out() {
            return new String(stdout, StandardCharsets.UTF_8);
        }
    }

    private ToyShimRunner() {
    }

    /** The toy shim's command line: this test JVM's java running {@code ToyManager} with {@code args}. */
    static List<String> command(String... args) {
        List<String> command = new ArrayList<>(List.of(ProcessHandle.current().info().command().orElseThrow(),
                "--enable-native-access=ALL-UNNAMED", "--sun-misc-unsafe-memory-access=allow",
                "-XX:TieredStopAtLevel=1", "-XX:+UseSerialGC",
                "-cp", System.getProperty("java.class.path"), "io.jshim.framework.toy.ToyManager"));
        command.addAll(List.of(args));
        return command;
    }

    /** Runs the shim with {@code args} in {@code cwd}; no MAX_SHIM_VERSION/TTRPC_ADDRESS unless {@code env} sets them. */
    static Result run(Path cwd, Map<String, String> env, byte[] stdin, String... args) throws Exception {
        ProcessBuilder builder = new ProcessBuilder(command(args)).directory(cwd.toFile());
        builder.environment().remove("MAX_SHIM_VERSION");
        builder.environment().remove("TTRPC_ADDRESS");
        builder.environment().remove("JSHIM_CONFIG");
        builder.environment().putAll(env);
        Process process = builder.start();
        try (OutputStream in = process.getOutputStream()) {
            in.write(stdin);
        }
        byte[][] out = new byte[1][];
        Thread reader = Thread.ofVirtual().start(() -> {
            try {
                out[0] = process.getInputStream().readAllBytes();
            } catch (Exception e) {
                out[0] = new byte[0];
            }
        });
        String err = new String(process.getErrorStream().readAllBytes(), StandardCharsets.UTF_8);
        assertThat(process.waitFor(60, TimeUnit.SECONDS)).as("shim exits").isTrue();
        reader.join();
        return new Result(process.exitValue(), out[0], err);
    }
}
