package io.jshim.plugin.pprofjfr;

import static java.util.Objects.requireNonNull;

/** A path of the debug server, what it gives (for the index page), an example link, and its endpoint. */
record Route(String path, String example, String description, Endpoint endpoint) {
    Route {
        requireNonNull(path, "path is null");
        requireNonNull(example, "example is null");
        requireNonNull(description, "description is null");
        requireNonNull(endpoint, "endpoint is null");
    }
}
