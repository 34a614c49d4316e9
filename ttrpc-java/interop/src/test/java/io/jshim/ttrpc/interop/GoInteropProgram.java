package io.jshim.ttrpc.interop;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;

/**
 * Builds the Go side (src/test/go/ttrpc-interop) with Debian's Go in GOPATH mode against
 * /usr/share/gocode. Fails, never skips, when Go or containerd/ttrpc is missing.
 */
final class GoInteropProgram {

    static final Path GOCODE = Path.of("/usr/share/gocode");
    private static final String INSTALL_HINT = "; run tools/install-deps.sh (installs golang-go and golang-github-containerd-ttrpc-dev)";

    private GoInteropProgram() {
    }

    static Path build() throws IOException, InterruptedException {
        Path sources = Path.of(System.getProperty("interop.goSources", "src/test/go"));
        Path work = Path.of(System.getProperty("interop.workDir", "target/go")).toAbsolutePath();
        String go = findGo();
        if (!Files.isDirectory(GOCODE.resolve("src/github.com/containerd/ttrpc"))) {
            throw new AssertionError("containerd/ttrpc Go sources not found in " + GOCODE + "/src/github.com/containerd/ttrpc" + INSTALL_HINT);
        }
        Path gopath = work.resolve("gopath");
        Path target = gopath.resolve("src/jshim.io/ttrpc-interop");
        Files.createDirectories(target);
        try (Stream<Path> files = Files.list(sources.resolve("ttrpc-interop"))) {
            for (Path f : files.toList()) {
                Files.copy(f, target.resolve(f.getFileName()), StandardCopyOption.REPLACE_EXISTING);
            }
        }
        Path binary = work.resolve("ttrpc-interop");
        ProcessBuilder pb = new ProcessBuilder(go, "build", "-o", binary.toString(), "jshim.io/ttrpc-interop")
                .directory(gopath.toFile())
                .redirectErrorStream(true);
        pb.environment().put("GO111MODULE", "off");
        pb.environment().put("GOPATH", gopath + ":" + GOCODE);
        pb.environment().putIfAbsent("GOCACHE", work.resolve("cache").toString());
        pb.environment().put("GOFLAGS", "");
        Process p = pb.start();
        String output = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        if (!p.waitFor(5, TimeUnit.MINUTES) || p.exitValue() != 0) {
            throw new AssertionError("failed to build the Go ttrpc interop program with " + go + ":\n" + output + INSTALL_HINT);
        }
        return binary;
    }

    private static String findGo() {
        for (String candidate : List.of("/usr/lib/go/bin/go", "/usr/bin/go", "/usr/local/go/bin/go")) {
            if (Files.isExecutable(Path.of(candidate))) {
                return candidate;
            }
        }
        throw new AssertionError("Go toolchain not found (looked at /usr/lib/go/bin/go, /usr/bin/go, /usr/local/go/bin/go)" + INSTALL_HINT);
    }
}
