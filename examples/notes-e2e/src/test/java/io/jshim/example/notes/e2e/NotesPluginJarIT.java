package io.jshim.example.notes.e2e;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.jshim.example.notes.v1.GetNoteRequest;
import io.jshim.example.notes.v1.NotesTtrpc;
import io.jshim.example.notes.v1.SetNoteRequest;
import io.jshim.testing.containerd.CommandResult;
import io.jshim.testing.containerd.ContainerRun;
import io.jshim.testing.containerd.Ctr;
import io.jshim.testing.containerd.PrivateContainerd;
import io.jshim.testing.containerd.ShimProcess;
import io.jshim.ttrpc.Status;
import io.jshim.ttrpc.TtrpcClient;
import io.jshim.ttrpc.TtrpcException;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Duration;
import java.util.Comparator;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * Acceptance: the example's jar dropped into the plugins directory of the installed shim; containers run
 * under a real containerd; the plugin's service answers on that shim's socket; disabled in HOCON it is
 * UNIMPLEMENTED and the shim still runs containers. Two runtimes wrap the same installed shim binary with
 * different operator files ({@code JSHIM_CONFIG}).
 */
@Timeout(300)
class NotesPluginJarIT {
    private static final String ENABLED_RUNTIME = "io.containerd.jnotes.v2";
    private static final String DISABLED_RUNTIME = "io.containerd.jnotesoff.v2";

    private static Path work;
    private static PrivateContainerd containerd;
    private static Ctr ctr;
    private static String namespace;

    @BeforeAll
    static void installPluginAndStartContainerd() throws IOException {
        Path shim = Path.of(System.getProperty("jshim.home", "../../dist/target/jshim")).toAbsolutePath().normalize()
                .resolve("bin/containerd-shim-jrunc-v2");
        Path jar = Path.of(System.getProperty("notes.jar", "../notes/target/jshim-example-notes-0.1.0-SNAPSHOT.jar"))
                .toAbsolutePath().normalize();
        assertThat(shim).as("the assembled shim (build dist first)").isExecutable();
        assertThat(jar).as("the example plugin jar (build examples/notes first)").isRegularFile();

        work = Files.createTempDirectory("jshim-notes-e2e-");
        Path plugins = Files.createDirectories(work.resolve("plugins"));
        Files.copy(jar, plugins.resolve(jar.getFileName()));
        Path bin = Files.createDirectories(work.resolve("bin"));
        String base = "jshim.plugins-dir = \"" + plugins + "\"\n";
        wrapper(bin, "containerd-shim-jnotes-v2", shim, Files.writeString(work.resolve("enabled.conf"), base));
        wrapper(bin, "containerd-shim-jnotesoff-v2", shim, Files.writeString(work.resolve("disabled.conf"),
                base + "plugins.\"io.containerd.ttrpc.v1\".notes.enabled = false\n"));

        containerd = PrivateContainerd.builder().runtimeDir(bin).start();
        namespace = containerd.newNamespace();
        ctr = containerd.ctr(namespace).withTimeout(Duration.ofSeconds(60));
    }

    private static void wrapper(Path bin, String name, Path shim, Path config) throws IOException {
        Path script = bin.resolve(name);
        Files.writeString(script, "#!/bin/sh\nJSHIM_CONFIG='" + config + "' exec '" + shim + "' \"$@\"\n");
        Files.setPosixFilePermissions(script, PosixFilePermissions.fromString("rwxr-xr-x"));
    }

    @AfterAll
    static void stop() throws IOException {
        try {
            if (containerd != null) {
                containerd.close();
            }
        } finally {
            if (work != null) {
                try (Stream<Path> paths = Files.walk(work)) {
                    for (Path path : paths.sorted(Comparator.reverseOrder()).toList()) {
                        Files.deleteIfExists(path);
                    }
                }
            }
        }
    }

    private static ShimProcess shimOf(String id) throws InterruptedException {
        long deadline = System.nanoTime() + Duration.ofSeconds(20).toNanos();
        while (System.nanoTime() < deadline) {
            var found = containerd.shims().find(namespace, id);
            if (found.isPresent()) {
                return found.get();
            }
            Thread.sleep(100);
        }
        throw new AssertionError("no shim found for container " + id + "; containerd log:\n" + containerd.log());
    }

    private static String sleeper(String runtime, String id) {
        ctr.run(ContainerRun.of(runtime, id, "/bin/sleep", "600").detached()).orThrow();
        return id;
    }

    private static void remove(String id) {
        ctr.forceDeleteTask(id);
        ctr.deleteContainer(id);
    }

    @Test
    void thePluginJarServesNotesOnTheShimSocketOfARealContainer() throws Exception {
        String id = sleeper(ENABLED_RUNTIME, "notes-on");
        try {
            ShimProcess shim = shimOf(id);
            try (TtrpcClient client = TtrpcClient.connect(shim.socket())) {
                var notes = NotesTtrpc.newBlockingStub(client).withDeadline(Duration.ofSeconds(10));
                assertThat(notes.setNote(SetNoteRequest.newBuilder().setContainerId(id).setKey("owner").setValue("team-a").build())
                        .getReplaced()).isFalse();
                assertThat(notes.getNote(GetNoteRequest.newBuilder().setContainerId(id).setKey("owner").build())
                        .getNote().getValue()).isEqualTo("team-a");
            }
            Path bundle = containerd.shims().bundle(namespace, id);
            assertThat(bundle.resolve("io.containerd.ttrpc.v1.notes").resolve(id).resolve("owner")).hasContent("team-a");
            assertThat(ctr.taskStatus(id)).contains("RUNNING");
        } finally {
            remove(id);
        }
    }

    @Test
    void disabledInHoconTheServiceIsUnimplementedAndContainersStillRun() throws Exception {
        CommandResult echo = ctr.run(DISABLED_RUNTIME, "notes-off-echo", "/bin/echo", "still running containers");
        assertThat(echo.succeeded()).as("ctr run: %s", echo).isTrue();
        assertThat(echo.stdout()).contains("still running containers");
        ctr.deleteContainer("notes-off-echo");

        String id = sleeper(DISABLED_RUNTIME, "notes-off");
        try {
            ShimProcess shim = shimOf(id);
            try (TtrpcClient client = TtrpcClient.connect(shim.socket())) {
                var notes = NotesTtrpc.newBlockingStub(client).withDeadline(Duration.ofSeconds(10));
                assertThatThrownBy(() -> notes.setNote(SetNoteRequest.newBuilder().setContainerId(id).setKey("k").setValue("v").build()))
                        .isInstanceOfSatisfying(TtrpcException.class,
                                e -> assertThat(e.status().code()).isEqualTo(Status.Code.UNIMPLEMENTED));
            }
        } finally {
            remove(id);
        }
    }
}
