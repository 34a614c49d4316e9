package io.jshim.plugin.pprofjfr;

import static java.nio.charset.StandardCharsets.UTF_8;
import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/** A skipped plugin costs nothing: checked with {@code -Xlog:class+load} in a child JVM running the framework's registry. */
@Timeout(120)
class ClassLoadingTest {
    private static final Pattern LOADED = Pattern.compile("(?m)^\\[[^\\]]*\\]\\[info\\]\\[class,load\\s*\\] (\\S+) source: (\\S+)");
    private static final String PLUGIN_PACKAGE = "io.jshim.plugin.pprofjfr.";
    /** Marks the classes loaded from the plugin's own classes (not from this test's). */
    private static final String FROM_PLUGIN = " (plugin)";

    @TempDir
    Path dir;

    @Test
    void withoutDebugOnlyTheDescriptorIsLoadedAndNoJetty() throws Exception {
        List<String> loaded = loadedClasses(false);
        assertThat(loaded).as("the child JVM ran the registry").contains("io.jshim.framework.registry.PluginRegistry");
        assertThat(loaded.stream().filter(name -> name.startsWith(PLUGIN_PACKAGE) && name.endsWith(FROM_PLUGIN)))
                .map(name -> name.substring(0, name.length() - FROM_PLUGIN.length()))
                .containsExactlyInAnyOrder(PLUGIN_PACKAGE + "PprofJfrPlugin", PLUGIN_PACKAGE + "PprofJfrPlugin$Settings");
        assertThat(loaded).noneMatch(name -> name.startsWith("org.eclipse.jetty."));
    }

    @Test
    void withDebugTheServerAndJettyAreLoaded() throws Exception {
        List<String> loaded = loadedClasses(true);
        assertThat(loaded).contains(PLUGIN_PACKAGE + "DebugServer" + FROM_PLUGIN, "org.eclipse.jetty.server.Server",
                "org.eclipse.jetty.unixdomain.server.UnixDomainServerConnector");
    }

    private List<String> loadedClasses(boolean debug) throws Exception {
        Path bundle = Files.createDirectories(dir.resolve("bundle"));
        Path log = dir.resolve("class-load-" + debug + ".log");
        Path java = Path.of(System.getProperty("java.home"), "bin", "java");
        Process child = new ProcessBuilder(java.toString(), "-Xlog:class+load=info:file=" + log, "-Xshare:auto",
                "-cp", System.getProperty("java.class.path"), PluginHarness.class.getName(),
                bundle.toString(), Boolean.toString(debug), dir.resolve("task.sock").toString())
                .redirectErrorStream(true).start();
        String output = new String(child.getInputStream().readAllBytes(), UTF_8);
        assertThat(child.waitFor(90, TimeUnit.SECONDS)).isTrue();
        assertThat(child.exitValue()).as("child output:%n%s", output).isZero();
        assertThat(output).contains(debug ? "started=[" + PluginHarness.URI + "]" : "skipped={" + PluginHarness.URI + "=");
        String text = Files.readString(log);
        Matcher matcher = LOADED.matcher(text);
        String pluginClasses = PprofJfrPlugin.class.getProtectionDomain().getCodeSource().getLocation().toString();
        List<String> names = new java.util.ArrayList<>();
        while (matcher.find()) {
            names.add(matcher.group(1) + (matcher.group(2).startsWith(pluginClasses) ? FROM_PLUGIN : ""));
        }
        return names;
    }
}
