package io.jshim.plugin.pprofjfr;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.net.StandardProtocolFamily;
import java.net.UnixDomainSocketAddress;
import java.nio.channels.ServerSocketChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

@Timeout(60)
class DebugServerTest {
    @TempDir
    Path dir;

    private Path socket;
    private Path stateDir;
    private DebugServer server;
    private UnixCurl curl;

    @BeforeEach
    void startServer() throws Exception {
        socket = dir.resolve("run/task.sock.debug");
        stateDir = dir.resolve("bundle/io.containerd.debug.v1.pprof-jfr");
        server = new DebugServer(socket, stateDir);
        server.start();
        Path scratch = Files.createDirectories(dir.resolve("client"));
        curl = new UnixCurl(socket, scratch);
    }

    @AfterEach
    void stopServer() {
        server.close();
    }

    @Test
    void socketIsOwnerOnlyAndAloneInItsDirectory() throws Exception {
        assertThat(Files.getAttribute(socket, "unix:mode")).isEqualTo(0140600);
        assertThat(PosixFilePermissions.toString(Files.getPosixFilePermissions(socket))).isEqualTo("rw-------");
        try (Stream<Path> siblings = Files.list(socket.getParent())) {
            assertThat(siblings).containsExactly(socket);
        }
    }

    @Test
    void closeRemovesTheSocket() {
        server.close();
        assertThat(socket).doesNotExist();
    }

    @Test
    void indexListsEveryEndpoint() throws Exception {
        for (String path : new String[] {"/", "/debug/"}) {
            UnixCurl.Answer index = curl.get(path);
            assertThat(index.status()).isEqualTo(200);
            assertThat(index.contentType()).startsWith("text/html");
            assertThat(index.text()).contains("/debug/threads", "/debug/jfr/start?settings=profile&amp;duration=30s",
                    "/debug/jfr/stop", "/debug/jfr/dump", "/debug/heap/histogram", "/debug/heap/dump", "/debug/vm");
        }
    }

    @Test
    void threadDumpNamesPlatformAndVirtualThreads() throws Exception {
        CountDownLatch release = new CountDownLatch(1);
        Thread platform = Thread.ofPlatform().name("pprof-test-platform-worker").start(() -> await(release));
        Thread virtual = Thread.ofVirtual().name("pprof-test-virtual-worker").start(() -> await(release));
        try {
            UnixCurl.Answer dump = curl.get("/debug/threads");
            assertThat(dump.status()).isEqualTo(200);
            assertThat(dump.contentType()).startsWith("text/plain");
            assertThat(dump.text()).contains("\"pprof-test-platform-worker\"", "\"pprof-test-virtual-worker\" virtual",
                    "java.util.concurrent.CountDownLatch.await");
        } finally {
            release.countDown();
            platform.join();
            virtual.join();
        }
        assertThat(dumpsLeftIn(stateDir)).isEmpty();
    }

    @Test
    void jettyRunsOnAFewNamedPlatformThreadsAndRequestsOnVirtualThreads() throws Exception {
        String dump = curl.get("/debug/threads").text();
        Matcher header = Pattern.compile("(?m)^#\\d+ \"([^\"]+)\"( virtual)?").matcher(dump);
        List<String> platform = new ArrayList<>();
        List<String> virtual = new ArrayList<>();
        while (header.find()) {
            (header.group(2) == null ? platform : virtual).add(header.group(1));
        }
        assertThat(virtual).as("this request's thread").anyMatch(name -> name.startsWith("jshim-debug-request-"));
        assertThat(platform).as("Jetty's platform threads").filteredOn(name -> name.startsWith("jshim-debug"))
                .hasSizeBetween(1, 5);
        assertThat(platform).as("no unnamed Jetty pool or timer").noneMatch(name -> name.startsWith("qtp") || name.startsWith("Scheduler-"));
    }

    @Test
    void heapHistogramListsClasses() throws Exception {
        UnixCurl.Answer histogram = curl.get("/debug/heap/histogram");
        assertThat(histogram.status()).isEqualTo(200);
        assertThat(histogram.text()).contains("num", "#instances", "#bytes", "java.lang.String");
    }

    @Test
    void heapDumpIsHprofAndIsDeletedAfterSending() throws Exception {
        UnixCurl.Answer dump = curl.get("/debug/heap/dump");
        assertThat(dump.status()).isEqualTo(200);
        assertThat(dump.contentType()).isEqualTo("application/octet-stream");
        assertThat(new String(dump.body(), 0, 18, java.nio.charset.StandardCharsets.US_ASCII)).isEqualTo("JAVA PROFILE 1.0.2");
        assertThat(dump.body().length).isGreaterThan(1024 * 1024);
        assertThat(dumpsLeftIn(stateDir)).isEmpty();
    }

    @Test
    void vmReportHasUptimeGcPoolsAndFlags() throws Exception {
        UnixCurl.Answer vm = curl.get("/debug/vm");
        assertThat(vm.status()).isEqualTo(200);
        assertThat(vm.text()).containsPattern("(?m)^uptime: (\\d+[hm])*\\d+(\\.\\d+)?s$")
                .contains("pid: " + ProcessHandle.current().pid(), "garbage collectors:", "count=", "memory pools:",
                        "Metaspace (NON_HEAP)", "-XX:MaxHeapSize=");
    }

    @Test
    void unknownPathIs404NamingTheEndpoints() throws Exception {
        UnixCurl.Answer answer = curl.get("/debug/pprof/goroutine");
        assertThat(answer.status()).isEqualTo(404);
        assertThat(answer.text()).contains("/debug/pprof/goroutine", "/debug/threads");
    }

    @Test
    void otherMethodsAre405() throws Exception {
        UnixCurl.Answer answer = curl.request("DELETE", "/debug/threads");
        assertThat(answer.status()).isEqualTo(405);
        assertThat(answer.text()).contains("GET or POST");
    }

    @Test
    void badDurationsAre400SayingWhatIsAllowed() throws Exception {
        for (String duration : new String[] {"abc", "30", "0s", "999ms", "61m", "2h", "1.5s"}) {
            UnixCurl.Answer answer = curl.get("/debug/jfr/start?duration=" + duration);
            assertThat(answer.status()).as("duration %s", duration).isEqualTo(400);
            assertThat(answer.text()).contains("invalid duration \"" + duration + "\"", "30s, 5m or 1m30s", "from 1s to 1h0m0s");
        }
        assertThat(curl.get("/debug/jfr/dump").status()).as("no recording was started").isEqualTo(409);
    }

    @Test
    void unknownSettingsAre400SayingWhatIsAllowed() throws Exception {
        UnixCurl.Answer answer = curl.get("/debug/jfr/start?settings=everything&duration=5s");
        assertThat(answer.status()).isEqualTo(400);
        assertThat(answer.text()).contains("unknown settings \"everything\"", "allowed are default, profile");
        assertThat(curl.get("/debug/heap/dump?live=maybe").status()).isEqualTo(400);
    }

    @Test
    void malformedQueryIs400() throws Exception {
        UnixCurl.Answer answer = curl.get("/debug/jfr/start?duration=%zz");
        assertThat(answer.status()).isEqualTo(400);
        assertThat(answer.text()).contains("invalid query string");
    }

    @Test
    void recordingStateConflictsAre409() throws Exception {
        assertThat(curl.get("/debug/jfr/stop").status()).isEqualTo(409);
        assertThat(curl.get("/debug/jfr/dump").text()).contains("nothing recorded yet", "/debug/jfr/start");
        assertThat(curl.get("/debug/jfr/start?duration=1m").status()).isEqualTo(200);
        UnixCurl.Answer second = curl.get("/debug/jfr/start?duration=1m");
        assertThat(second.status()).isEqualTo(409);
        assertThat(second.text()).contains("still running", "/debug/jfr/stop");
        assertThat(curl.get("/debug/jfr/stop").status()).isEqualTo(200);
        assertThat(curl.get("/debug/jfr/stop").status()).isEqualTo(409);
        assertThat(curl.get("/debug/jfr/start?settings=profile&duration=1m").status()).as("restart after stop").isEqualTo(200);
    }

    @Test
    void refusesASocketSomeoneListensOn() throws Exception {
        Path busy = dir.resolve("busy.sock");
        try (ServerSocketChannel other = ServerSocketChannel.open(StandardProtocolFamily.UNIX)) {
            other.bind(UnixDomainSocketAddress.of(busy));
            DebugServer second = new DebugServer(busy, dir.resolve("second-state"));
            assertThatThrownBy(second::start).isInstanceOf(DebugServerException.class)
                    .hasMessageContaining("failed to start debug server on " + busy)
                    .hasMessageContaining("another process listens on it");
            assertThat(busy).exists();
        }
    }

    @Test
    void replacesAStaleSocket() throws Exception {
        Path stale = dir.resolve("stale.sock");
        try (ServerSocketChannel crashed = ServerSocketChannel.open(StandardProtocolFamily.UNIX)) {
            crashed.bind(UnixDomainSocketAddress.of(stale));
        }
        assertThat(stale).exists();
        try (DebugServer second = new DebugServer(stale, dir.resolve("second-state"))) {
            second.start();
            assertThat(new UnixCurl(stale, dir.resolve("client")).get("/debug/vm").status()).isEqualTo(200);
        }
    }

    @Test
    void refusesAPathThatIsNotASocket() throws Exception {
        Path file = Files.writeString(dir.resolve("not-a-socket"), "data");
        DebugServer second = new DebugServer(file, dir.resolve("second-state"));
        assertThatThrownBy(second::start).isInstanceOf(DebugServerException.class).hasMessageContaining("is not a socket");
        assertThat(file).hasContent("data");
    }

    static Stream<Path> dumpsLeftIn(Path stateDir) throws Exception {
        if (!Files.exists(stateDir)) {
            return Stream.empty();
        }
        return Files.list(stateDir).filter(Files::isRegularFile).toList().stream();
    }

    private static void await(CountDownLatch latch) {
        try {
            latch.await();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
