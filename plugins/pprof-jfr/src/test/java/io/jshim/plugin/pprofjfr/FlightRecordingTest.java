package io.jshim.plugin.pprofjfr;

import static java.nio.charset.StandardCharsets.UTF_8;
import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import jdk.jfr.Event;
import jdk.jfr.Label;
import jdk.jfr.Name;
import jdk.jfr.consumer.RecordedEvent;
import jdk.jfr.consumer.RecordingFile;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

@Timeout(90)
class FlightRecordingTest {
    private static final String BURNER = "pprof-test-cpu-burner";

    @TempDir
    Path dir;

    private Path stateDir;
    private DebugServer server;
    private UnixCurl curl;

    @BeforeEach
    void startServer() throws Exception {
        stateDir = dir.resolve("state");
        server = new DebugServer(dir.resolve("debug.sock"), stateDir);
        server.start();
        curl = new UnixCurl(server.socketPath(), Files.createDirectories(dir.resolve("client")));
    }

    @AfterEach
    void stopServer() {
        server.close();
    }

    @Test
    void fiveSecondProfileIsAcceptedByJfrSummaryAndSamplesTheBusyThread() throws Exception {
        UnixCurl.Answer started = curl.get("/debug/jfr/start?settings=profile&duration=5s");
        assertThat(started.status()).isEqualTo(200);
        assertThat(started.text()).contains("settings=profile", "duration=5s");

        burnCpu(Duration.ofMillis(5500));

        UnixCurl.Answer dump = curl.get("/debug/jfr/dump");
        assertThat(dump.status()).isEqualTo(200);
        assertThat(dump.contentType()).isEqualTo("application/octet-stream");
        Path recording = Files.write(dir.resolve("profile.jfr"), dump.body());

        String summary = jfrTool("summary", recording);
        assertThat(executionSamples(summary)).as("jdk.ExecutionSample count in:%n%s", summary).isPositive();

        List<RecordedEvent> samples = RecordingFile.readAllEvents(recording).stream()
                .filter(event -> event.getEventType().getName().equals("jdk.ExecutionSample")).toList();
        assertThat(samples).anySatisfy(sample ->
                assertThat(sample.getThread("sampledThread").getJavaName()).isEqualTo(BURNER));
        assertThat(DebugServerTest.dumpsLeftIn(stateDir)).as("the .jfr written for the request is deleted").isEmpty();
    }

    @Test
    void recordingStoppedEarlyCanStillBeDumped() throws Exception {
        assertThat(curl.get("/debug/jfr/start?duration=1h").status()).isEqualTo(200);
        UnixCurl.Answer whileRunning = curl.get("/debug/jfr/dump");
        assertThat(whileRunning.status()).isEqualTo(200);
        assertThat(curl.get("/debug/jfr/stop").status()).isEqualTo(200);
        UnixCurl.Answer afterStop = curl.get("/debug/jfr/dump");
        assertThat(afterStop.status()).isEqualTo(200);
        Path recording = Files.write(dir.resolve("stopped.jfr"), afterStop.body());
        assertThat(jfrTool("summary", recording)).contains("jdk.JVMInformation");
    }

    @Test
    void otherRequestsAreAnsweredWhileADumpIsInFlight() throws Exception {
        assertThat(curl.get("/debug/jfr/start?settings=profile&duration=1m").status()).isEqualTo(200);
        recordFillerEvents(20_000);
        Path slowOutput = dir.resolve("slow.jfr");
        Process slow = curl.startSlowDownload("/debug/jfr/dump", slowOutput, 4096);
        try {
            long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(20);
            while ((!Files.exists(slowOutput) || Files.size(slowOutput) == 0) && System.nanoTime() < deadline) {
                Thread.sleep(50);
            }
            assertThat(slowOutput).as("the slow dump started to arrive").exists();

            assertThat(curl.get("/debug/vm").status()).isEqualTo(200);
            assertThat(curl.get("/debug/threads").text()).as("a request thread is still writing the dump")
                    .contains("io.jshim.plugin.pprofjfr.DebugRouter.send");
            assertThat(curl.get("/debug/jfr/stop").status()).as("the recorder is not locked while a dump streams").isEqualTo(200);

            assertThat(slow.isAlive()).as("the dump is still in flight after the other answers").isTrue();
        } finally {
            slow.destroyForcibly().waitFor(10, TimeUnit.SECONDS);
        }
    }

    /** Makes the recording a few MB, more than the socket buffers hold, so streaming it keeps a request busy. */
    private static void recordFillerEvents(int count) {
        String payload = "x".repeat(200);
        for (int i = 0; i < count; i++) {
            FillerEvent event = new FillerEvent();
            event.payload = payload + i;
            event.commit();
        }
    }

    @Name("io.jshim.test.Filler")
    @Label("Filler")
    static final class FillerEvent extends Event {
        @Label("Payload")
        String payload;
    }

    private static long executionSamples(String summary) {
        Matcher line = Pattern.compile("(?m)^\\s*jdk\\.ExecutionSample\\s+(\\d+)\\s+\\d+").matcher(summary);
        return line.find() ? Long.parseLong(line.group(1)) : -1;
    }

    private static String jfrTool(String command, Path recording) throws Exception {
        Path jfr = Path.of(System.getProperty("java.home"), "bin", "jfr");
        Process process = new ProcessBuilder(jfr.toString(), command, recording.toString()).redirectErrorStream(true).start();
        String output = new String(process.getInputStream().readAllBytes(), UTF_8);
        assertThat(process.waitFor(60, TimeUnit.SECONDS)).isTrue();
        assertThat(process.exitValue()).as("jfr %s exit code, output:%n%s", command, output).isZero();
        return output;
    }

    /** Keeps one named platform thread busy for {@code duration}, so the sampler has something to find. */
    private static void burnCpu(Duration duration) throws InterruptedException {
        AtomicBoolean stop = new AtomicBoolean();
        Thread burner = Thread.ofPlatform().name(BURNER).start(() -> {
            long sink = 0;
            while (!stop.get()) {
                for (int i = 0; i < 100_000; i++) {
                    sink += Long.hashCode(sink * 31 + i);
                }
            }
            if (sink == 42) {
                System.out.println("unlikely");
            }
        });
        Thread.sleep(duration);
        stop.set(true);
        burner.join();
    }
}
