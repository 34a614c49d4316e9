package io.jshim.plugin.taskrunc.manager;

import com.google.protobuf.Any;
import com.google.protobuf.ByteString;
import io.jshim.api.ContainerdAny;
import io.jshim.plugin.taskrunc.json.JsonValues;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.io.ByteArrayOutputStream;
import java.io.File;
import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.FutureTask;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;

/**
 * The OCI runtime's {@code <binary> features} JSON (runtime-spec {@code features.md}) as the {@code Any} containerd
 * reads from {@code RuntimeInfo.features}: type URL {@value ContainerdAny#OCI_FEATURES_TYPE_URL}, the JSON object as
 * its value (compact). Like the Go shim, a runtime without the command, one that fails, hangs past the timeout or
 * prints no JSON object gives no features: the caller reports the rest.
 */
final class RuntimeFeatures {
    /** More than any runtime's {@code features} output (runc 1.1: 3 KiB). */
    private static final int MAX_OUTPUT = 1 << 20;

    private final Duration timeout;

    RuntimeFeatures(Duration timeout) {
        this.timeout = Objects.requireNonNull(timeout, "timeout is null");
    }

    /**
     * Runs {@code binary features}.
     *
     * @param binary the runtime binary, an absolute path
     * @return the features, or empty when the runtime gave none
     */
    Optional<Any> probe(Path binary) {
        byte[] output;
        try {
            output = run(binary);
        } catch (IOException e) {
            FailureLog.LOG.atDebug().addKeyValue("binary", binary).addKeyValue("error", e.getMessage())
                    .log("failed to get the runtime features");
            return Optional.empty();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return Optional.empty();
        }
        return encode(output);
    }

    /** The Any for a {@code features} output, or empty when it is not a JSON object. */
    static Optional<Any> encode(byte[] output) {
        try {
            if (!(JsonValues.parse(output) instanceof Map<?, ?> tree)) {
                return Optional.empty();
            }
            return Optional.of(Any.newBuilder().setTypeUrl(ContainerdAny.OCI_FEATURES_TYPE_URL)
                    .setValue(ByteString.copyFrom(JsonValues.write(JsonValues.object(tree)))).build());
        } catch (IOException e) {
            return Optional.empty();
        }
    }

    private byte[] run(Path binary) throws IOException, InterruptedException {
        Process process = new ProcessBuilder(List.of(binary.toString(), "features"))
                .redirectInput(ProcessBuilder.Redirect.from(new File("/dev/null")))
                .redirectError(ProcessBuilder.Redirect.DISCARD)
                .start();
        FutureTask<byte[]> output = new FutureTask<>(() -> readBounded(process.getInputStream()));
        Thread.ofVirtual().name("features-output").start(output);
        try {
            byte[] out = output.get(timeout.toMillis(), TimeUnit.MILLISECONDS);
            if (!process.waitFor(timeout.toMillis(), TimeUnit.MILLISECONDS)) {
                throw new IOException(binary + " features did not exit within " + timeout);
            }
            if (process.exitValue() != 0) {
                throw new IOException(binary + " features exited with status " + process.exitValue());
            }
            return out;
        } catch (TimeoutException e) {
            throw new IOException(binary + " features did not finish its output within " + timeout, e);
        } catch (ExecutionException e) {
            throw new IOException("failed to read the output of " + binary + " features: " + e.getCause(), e);
        } finally {
            process.destroyForcibly();
            process.getInputStream().close();
        }
    }

    private static byte[] readBounded(InputStream in) throws IOException {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        byte[] buffer = new byte[8192];
        int n;
        while ((n = in.read(buffer)) >= 0) {
            if (out.size() + n > MAX_OUTPUT) {
                throw new IOException("features output over " + MAX_OUTPUT + " bytes");
            }
            out.write(buffer, 0, n);
        }
        return out.toByteArray();
    }

    /** Initialised only when a probe fails: {@code -info} otherwise sets up no logging back-end. */
    private static final class FailureLog {
        static final Logger LOG = LoggerFactory.getLogger(RuntimeFeatures.class);
    }
}
