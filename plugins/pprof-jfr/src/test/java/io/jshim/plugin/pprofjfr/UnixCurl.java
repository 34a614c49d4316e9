package io.jshim.plugin.pprofjfr;

import static java.nio.charset.StandardCharsets.UTF_8;
import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

/** An HTTP client over a Unix socket for tests: {@code curl --unix-socket} in a subprocess. */
final class UnixCurl {
    private final Path socket;
    private final Path scratch;
    private int calls;

    UnixCurl(Path socket, Path scratch) {
        this.socket = socket;
        this.scratch = scratch;
    }

    record Answer(int status, String contentType, byte[] body) {
        String text() {
            return new String(body, UTF_8);
        }
    }

    Answer get(String pathAndQuery) throws IOException, InterruptedException {
        return request("GET", pathAndQuery);
    }

    Answer request(String method, String pathAndQuery) throws IOException, InterruptedException {
        Path body = scratch.resolve("body-" + (++calls));
        Process curl = new ProcessBuilder(command(method, pathAndQuery, body, List.of("-w", "%{http_code} %{content_type}")))
                .redirectErrorStream(true).start();
        assertThat(curl.waitFor(120, TimeUnit.SECONDS)).as("curl %s within 120s", pathAndQuery).isTrue();
        String out = new String(curl.getInputStream().readAllBytes(), UTF_8);
        assertThat(curl.exitValue()).as("curl exit code, output: %s", out).isZero();
        String[] statusAndType = out.trim().split(" ", 2);
        byte[] bytes = Files.exists(body) ? Files.readAllBytes(body) : new byte[0];
        Files.deleteIfExists(body);
        return new Answer(Integer.parseInt(statusAndType[0]), statusAndType.length > 1 ? statusAndType[1] : "", bytes);
    }

    /** Starts a download that reads at most {@code bytesPerSecond}, so the server's answer stays in flight. */
    Process startSlowDownload(String pathAndQuery, Path output, int bytesPerSecond) throws IOException {
        return new ProcessBuilder(command("GET", pathAndQuery, output, List.of("--limit-rate", Integer.toString(bytesPerSecond))))
                .redirectErrorStream(true).start();
    }

    private List<String> command(String method, String pathAndQuery, Path output, List<String> extra) {
        List<String> command = new ArrayList<>(List.of("curl", "-sS", "--max-time", "120", "--unix-socket", socket.toString(),
                "-X", method, "-o", output.toString()));
        command.addAll(extra);
        command.add("http://localhost" + pathAndQuery);
        return command;
    }
}
