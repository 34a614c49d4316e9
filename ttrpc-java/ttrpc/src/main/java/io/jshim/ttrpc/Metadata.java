package io.jshim.ttrpc;

import static java.util.Objects.requireNonNull;

import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.Set;

/**
 * Request metadata: an immutable multimap of string keys to string values, sent in the TTRPC
 * {@code Request.metadata} field. Keys are case-insensitive and stored lower-case, as in Go's
 * {@code ttrpc.MD}.
 */
public final class Metadata {

    /** Metadata without entries. */
    public static final Metadata EMPTY = new Metadata(Map.of());

    private final Map<String, List<String>> entries;

    private Metadata(Map<String, List<String>> entries) {
        this.entries = entries;
    }

    /**
     * @param key a key (case-insensitive)
     * @param value its value
     * @return metadata holding the single entry
     */
    public static Metadata of(String key, String value) {
        return EMPTY.with(key, value);
    }

    /**
     * @param key a key (case-insensitive)
     * @param value a value appended to those already held for the key
     * @return new metadata with the value added
     */
    public Metadata with(String key, String value) {
        requireNonNull(value, "value is null");
        String k = normalize(key);
        Map<String, List<String>> copy = new LinkedHashMap<>(entries);
        List<String> values = new ArrayList<>(copy.getOrDefault(k, List.of()));
        values.add(value);
        copy.put(k, List.copyOf(values));
        return new Metadata(Collections.unmodifiableMap(copy));
    }

    /**
     * @param other metadata whose entries are appended
     * @return new metadata holding the entries of both
     */
    public Metadata merge(Metadata other) {
        requireNonNull(other, "other is null");
        if (other.isEmpty()) {
            return this;
        }
        if (isEmpty()) {
            return other;
        }
        Map<String, List<String>> copy = new LinkedHashMap<>(entries);
        other.entries.forEach((k, v) -> {
            List<String> values = new ArrayList<>(copy.getOrDefault(k, List.of()));
            values.addAll(v);
            copy.put(k, List.copyOf(values));
        });
        return new Metadata(Collections.unmodifiableMap(copy));
    }

    /**
     * @param key a key (case-insensitive)
     * @return the first value of the key
     */
    public Optional<String> get(String key) {
        List<String> values = entries.get(normalize(key));
        return values == null ? Optional.empty() : Optional.of(values.getFirst());
    }

    /**
     * @param key a key (case-insensitive)
     * @return all values of the key in the order received, empty when absent
     */
    public List<String> getAll(String key) {
        return entries.getOrDefault(normalize(key), List.of());
    }

    /** @return the keys, lower-case */
    public Set<String> keys() {
        return entries.keySet();
    }

    /** @return all entries as an unmodifiable map */
    public Map<String, List<String>> asMap() {
        return entries;
    }

    /** @return true when there are no entries */
    public boolean isEmpty() {
        return entries.isEmpty();
    }

    /** Builds metadata from the wire form. */
    static Metadata fromKeyValues(List<io.jshim.ttrpc.proto.KeyValue> keyValues) {
        if (keyValues.isEmpty()) {
            return EMPTY;
        }
        Map<String, List<String>> map = new LinkedHashMap<>();
        for (io.jshim.ttrpc.proto.KeyValue kv : keyValues) {
            map.computeIfAbsent(kv.getKey().toLowerCase(Locale.ROOT), k -> new ArrayList<>()).add(kv.getValue());
        }
        map.replaceAll((k, v) -> List.copyOf(v));
        return new Metadata(Collections.unmodifiableMap(map));
    }

    /** Appends the entries to a request under construction. */
    void addTo(io.jshim.ttrpc.proto.Request.Builder request) {
        entries.forEach((k, values) -> {
            for (String v : values) {
                request.addMetadata(io.jshim.ttrpc.proto.KeyValue.newBuilder().setKey(k).setValue(v));
            }
        });
    }

    private static String normalize(String key) {
        requireNonNull(key, "key is null");
        return key.toLowerCase(Locale.ROOT);
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof Metadata other && entries.equals(other.entries);
    }

    @Override
    public int hashCode() {
        return entries.hashCode();
    }

    @Override
    public String toString() {
        return entries.toString();
    }
}
