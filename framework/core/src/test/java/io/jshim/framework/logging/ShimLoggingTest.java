package io.jshim.framework.logging;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.ByteArrayOutputStream;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.apache.logging.log4j.core.config.plugins.processor.PluginCache;
import org.apache.logging.log4j.core.config.plugins.processor.PluginEntry;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;
import org.slf4j.LoggerFactory;

/** ShimLogging in a JVM of its own, as the daemon uses it: its lines, and what log4j loads for them. */
@Timeout(60)
class ShimLoggingTest {
    @TempDir
    Path dir;

    /** The child JVM: configures logging as the daemon does and logs two lines. */
    public static final class Probe {
        public static void main(String[] args) {
            ShimLogging.configure(args[0], Map.of("runtime", "io.containerd.probe.v2"));
            var log = LoggerFactory.getLogger(Probe.class);
            log.info("probe ready id={}", "c1");
            log.debug("probe detail");
            ShimLogging.shutdown();
        }
    }

    private record Run(String err, List<String> classes) { }

    private Run probe(String level) throws Exception {
        Path classLog = dir.resolve("classes-" + level + ".log");
        Process process = new ProcessBuilder(ProcessHandle.current().info().command().orElseThrow(),
                "-XX:TieredStopAtLevel=1", "-XX:+UseSerialGC", "-Xlog:class+load=info:file=" + classLog,
                "-cp", System.getProperty("java.class.path"), Probe.class.getName(), level)
                .redirectOutput(ProcessBuilder.Redirect.DISCARD).start();
        String err = new String(process.getErrorStream().readAllBytes(), StandardCharsets.UTF_8);
        assertThat(process.waitFor(30, TimeUnit.SECONDS)).as("probe JVM exits").isTrue();
        assertThat(process.exitValue()).as("probe JVM exit code, stderr: %s", err).isZero();
        return new Run(err, Files.readAllLines(classLog));
    }

    @Test
    void writesLogfmtLinesAndNothingElseOnStderr() throws Exception {
        Run info = probe("info");
        assertThat(info.err().lines().toList()).singleElement().asString()
                .matches("time=\"[-0-9T:.]+Z\" level=info msg=\"probe ready id=c1\" runtime=io.containerd.probe.v2");
        Run debug = probe("debug");
        assertThat(debug.err().lines().toList()).hasSize(2);
        assertThat(debug.err().lines().toList().get(1)).contains("level=debug msg=\"probe detail\"");
    }

    @Test
    void loadsNoLog4jPluginClass() throws Exception {
        List<String> loaded = probe("info").classes();
        assertThat(loaded).as("the probe's classes").anyMatch(line -> line.contains(" io.jshim.framework.logging.LogfmtLayout "));
        // plugins of log4j-core's descriptor: an appender, a lookup (its JMX one), a pattern converter
        assertThat(loaded).noneMatch(line -> line.contains(" org.apache.logging.log4j.core.appender.HttpAppender ")
                || line.contains(" org.apache.logging.log4j.core.lookup.JmxRuntimeInputArgumentsLookup ")
                || line.contains(" org.apache.logging.log4j.core.pattern."));
    }

    @Test
    void ownDescriptorIsWhatLog4jWritesForItsOneEntry() throws Exception {
        PluginCache cache = new PluginCache();
        PluginEntry entry = new PluginEntry();
        entry.setKey("jshim-logfmt");
        entry.setName("jshim-logfmt");
        entry.setCategory("jshim");
        entry.setClassName(ShimLogging.class.getName());
        cache.getCategory("jshim").put(entry.getKey(), entry);
        ByteArrayOutputStream expected = new ByteArrayOutputStream();
        cache.writeCache(expected);
        try (InputStream in = ShimLogging.class.getClassLoader().getResourceAsStream(ShimLogging.DESCRIPTOR)) {
            assertThat(in).as(ShimLogging.DESCRIPTOR).isNotNull();
            assertThat(in.readAllBytes()).isEqualTo(expected.toByteArray());
        }
    }
}
