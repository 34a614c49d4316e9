package io.jshim.framework;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.BufferedReader;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;

/** The bundle's {@code log} FIFO as containerd makes it, read line by line on a virtual thread until the daemon closes it. */
final class LogFifo {
    private final List<String> lines = new CopyOnWriteArrayList<>();
    private final Thread reader;

    private LogFifo(Path fifo) {
        reader = Thread.ofVirtual().start(() -> {
            try (BufferedReader in = Files.newBufferedReader(fifo)) {
                for (String line = in.readLine(); line != null; line = in.readLine()) {
                    lines.add(line);
                }
            } catch (Exception ignored) {
                // daemon gone
            }
        });
    }

    /** Makes {@code bundle/log} (mkfifo) and starts reading it. */
    static LogFifo create(Path bundle) throws Exception {
        Path fifo = bundle.resolve("log");
        assertThat(new ProcessBuilder("mkfifo", fifo.toString()).start().waitFor()).isZero();
        return new LogFifo(fifo);
    }

    /** @return the lines read so far after waiting (bounded) for the writer to close the FIFO */
    List<String> linesAfterClose(Duration bound) throws InterruptedException {
        reader.join(bound);
        return List.copyOf(lines);
    }
}
