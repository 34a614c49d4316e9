package io.jshim.ttrpc;

import static java.util.Objects.requireNonNull;

import java.time.Duration;
import java.util.Optional;

/**
 * Immutable per-call options: a timeout (the deadline, counted from the start of the call, sent as
 * {@code timeout_nano}) and metadata.
 */
public final class CallOptions {

    /** No deadline, no metadata. */
    public static final CallOptions DEFAULT = new CallOptions(null, Metadata.EMPTY);

    private final Duration timeout;
    private final Metadata metadata;

    private CallOptions(Duration timeout, Metadata metadata) {
        this.timeout = timeout;
        this.metadata = metadata;
    }

    /**
     * @param timeout the time the call may take, from its start; the server sees it as the deadline
     * @return options with the deadline
     */
    public CallOptions withDeadline(Duration timeout) {
        requireNonNull(timeout, "timeout is null");
        return new CallOptions(timeout, metadata);
    }

    /** @return options without deadline */
    public CallOptions withoutDeadline() {
        return new CallOptions(null, metadata);
    }

    /**
     * @param metadata metadata added to what these options already carry
     * @return options with the metadata
     */
    public CallOptions withMetadata(Metadata metadata) {
        requireNonNull(metadata, "metadata is null");
        return new CallOptions(timeout, this.metadata.merge(metadata));
    }

    /** @return the deadline as a timeout from the call's start */
    public Optional<Duration> deadline() {
        return Optional.ofNullable(timeout);
    }

    /** @return the metadata */
    public Metadata metadata() {
        return metadata;
    }

    @Override
    public String toString() {
        return "CallOptions[deadline=" + timeout + " metadata=" + metadata + "]";
    }
}
