package io.jshim.plugin.pprofjfr;

import static java.util.Objects.requireNonNull;

import java.nio.file.Path;

/** What an endpoint answers: a text, or a file written for this request that is streamed back and then deleted. */
sealed interface Reply {
    String PLAIN_TEXT = "text/plain;charset=utf-8";
    String HTML = "text/html;charset=utf-8";
    String OCTET_STREAM = "application/octet-stream";

    /** A UTF-8 text body. */
    record Text(String contentType, String body) implements Reply {
        public Text {
            requireNonNull(contentType, "contentType is null");
            requireNonNull(body, "body is null");
        }
    }

    /** A file created for this request only; the server deletes it once it has been sent (or sending failed). */
    record TemporaryFile(Path file, String contentType, String downloadName) implements Reply {
        public TemporaryFile {
            requireNonNull(file, "file is null");
            requireNonNull(contentType, "contentType is null");
            requireNonNull(downloadName, "downloadName is null");
        }
    }

    static Reply plainText(String body) {
        return new Text(PLAIN_TEXT, body);
    }
}
