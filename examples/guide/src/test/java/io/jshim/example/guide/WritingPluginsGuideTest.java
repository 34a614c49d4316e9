package io.jshim.example.guide;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * Runs docs/writing-plugins.md: writes every {@code file=} block into an empty directory and runs every
 * {@code sh run} block there, in order, with {@code mvn} offline against the jshim artifacts of this
 * build (copied from the modules' {@code target/} into a local repository chained to ~/.m2).
 */
class WritingPluginsGuideTest {
    private static final String VERSION = "0.1.0-SNAPSHOT";
    /** Reactor module directory to artifact id: what the guide's project resolves (with jshim-parent and jshim-bom). */
    private static final Map<String, String> JARS = Map.of(
            "ttrpc-java/ttrpc", "ttrpc-java",
            "ttrpc-java/protoc-gen-ttrpc", "protoc-gen-ttrpc",
            "api", "jshim-api",
            "framework/posix", "jshim-posix",
            "framework/core", "jshim-framework",
            "framework/testkit", "jshim-testkit",
            "plugins/shutdown", "jshim-plugin-shutdown");
    private static final Path REPO_ROOT = Path.of("").toAbsolutePath().getParent().getParent();
    private static final Path GUIDE = REPO_ROOT.resolve("docs/writing-plugins.md");

    @TempDir
    Path tmp;

    @Test
    void theGuideHasAProjectAndCommands() throws IOException {
        GuideBlocks blocks = GuideBlocks.parse(Files.readString(GUIDE));
        assertThat(blocks.files()).extracting(GuideBlocks.FileBlock::path).contains(
                "pom.xml", "src/main/proto/greeter.proto", "src/main/resources/reference.conf",
                "src/main/resources/META-INF/services/io.jshim.framework.plugin.ShimPlugin");
        assertThat(blocks.commands()).anySatisfy(c -> assertThat(c).contains("mvn -q verify"));
    }

    @Test
    @Timeout(value = 10, unit = TimeUnit.MINUTES)
    void theGuidesProjectBuildsAndItsTestsPassFromAnEmptyDirectory() throws Exception {
        GuideBlocks blocks = GuideBlocks.parse(Files.readString(GUIDE));
        Path project = Files.createDirectories(tmp.resolve("greeter-plugin"));
        assertThat(project).isEmptyDirectory();
        for (GuideBlocks.FileBlock file : blocks.files()) {
            Path target = project.resolve(file.path()).normalize();
            assertThat(target.startsWith(project)).as("%s stays in the project", file.path()).isTrue();
            Files.createDirectories(target.getParent());
            Files.writeString(target, file.content());
        }
        Path localRepo = reactorRepository(tmp.resolve("repository"));
        Path home = Path.of(System.getProperty("user.home"));
        String mavenArgs = "-B -o -Dmaven.repo.local=" + localRepo
                + " -Dmaven.repo.local.tail=" + home.resolve(".m2/repository");

        for (String command : blocks.commands()) {
            ProcessBuilder process = new ProcessBuilder("bash", "-euo", "pipefail", "-c", command)
                    .directory(project.toFile())
                    .redirectErrorStream(true)
                    .redirectOutput(tmp.resolve("output.txt").toFile());
            process.environment().put("MAVEN_ARGS", mavenArgs);
            Process running = process.start();
            boolean exited = running.waitFor(8, TimeUnit.MINUTES);
            if (!exited) {
                running.destroyForcibly();
            }
            String output = Files.readString(tmp.resolve("output.txt"));
            assertThat(exited && running.exitValue() == 0)
                    .as("guide command failed:%n%s%n--- output ---%n%s", command, output)
                    .isTrue();
        }
    }

    /** A local repository with this build's jshim artifacts (those whose jar exists) in the Maven layout. */
    private static Path reactorRepository(Path repo) throws IOException {
        install(repo, "jshim-parent", REPO_ROOT.resolve("pom.xml"), null);
        install(repo, "jshim-bom", REPO_ROOT.resolve("bom/pom.xml"), null);
        for (Map.Entry<String, String> module : JARS.entrySet()) {
            Path dir = REPO_ROOT.resolve(module.getKey());
            Path jar = dir.resolve("target/" + module.getValue() + "-" + VERSION + ".jar");
            if (Files.isRegularFile(jar)) {
                install(repo, module.getValue(), dir.resolve("pom.xml"), jar);
            }
        }
        return repo;
    }

    private static void install(Path repo, String artifactId, Path pom, Path jar) throws IOException {
        Path dir = Files.createDirectories(repo.resolve("io/jshim").resolve(artifactId).resolve(VERSION));
        String base = artifactId + "-" + VERSION;
        Files.copy(pom, dir.resolve(base + ".pom"), StandardCopyOption.REPLACE_EXISTING);
        if (jar != null) {
            Files.copy(jar, dir.resolve(base + ".jar"), StandardCopyOption.REPLACE_EXISTING);
        }
    }

}
