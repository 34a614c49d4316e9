package io.jshim.api;

import static java.util.Objects.requireNonNull;

import com.google.protobuf.Any;
import com.google.protobuf.Descriptors.Descriptor;
import com.google.protobuf.Internal;
import com.google.protobuf.InvalidProtocolBufferException;
import com.google.protobuf.Message;

/**
 * {@link Any} values the way containerd writes and reads them.
 *
 * <p>containerd (Go, {@code github.com/containerd/typeurl}) puts the bare full name of a protobuf
 * message in {@code type_url}, e.g. {@code containerd.events.TaskExit}, without the
 * {@code type.googleapis.com/} prefix that {@link Any#pack(Message)} adds. containerd 1.6 looks bare
 * names up in the gogo registry and cannot resolve a prefixed one, and {@code typeurl.UnmarshalTo}
 * and {@code typeurl.Is} compare type URLs as strings; conversely {@link Any#unpack(Class)} rejects a
 * bare name. Everything a shim sends inside an {@code Any} (events, stats, process details) must
 * therefore be packed with {@link #pack(Message)}, and everything it receives unpacked with
 * {@link #unpack(Any, Class)}, which accepts both spellings.
 */
public final class ContainerdAny {

    /** Type URL of a JSON-encoded OCI runtime-spec {@code Spec}. */
    public static final String OCI_SPEC_TYPE_URL = "types.containerd.io/opencontainers/runtime-spec/1/Spec";

    /** Type URL of the JSON-encoded OCI {@code Process} in {@code ExecProcessRequest.spec}. */
    public static final String OCI_PROCESS_TYPE_URL = "types.containerd.io/opencontainers/runtime-spec/1/Process";

    /** Type URL of the JSON-encoded OCI {@code LinuxResources} in {@code UpdateTaskRequest.resources}. */
    public static final String OCI_LINUX_RESOURCES_TYPE_URL =
            "types.containerd.io/opencontainers/runtime-spec/1/LinuxResources";

    /** Type URL of the JSON-encoded OCI {@code WindowsResources} in {@code UpdateTaskRequest.resources}. */
    public static final String OCI_WINDOWS_RESOURCES_TYPE_URL =
            "types.containerd.io/opencontainers/runtime-spec/1/WindowsResources";

    /**
     * Type URL of the JSON-encoded OCI runtime features ({@code runc features}, runtime-spec {@code features.md}) in
     * {@code containerd.types.RuntimeInfo.features}, the URL containerd's typeurl registers for the runtime-spec's
     * {@code features.Features}.
     */
    public static final String OCI_FEATURES_TYPE_URL =
            "types.containerd.io/opencontainers/runtime-spec/1/features/Features";

    private ContainerdAny() {}

    /**
     * Returns the type URL containerd uses for messages of this type: the message's full name.
     *
     * @param descriptor the message type
     * @return e.g. {@code containerd.events.TaskExit}
     */
    public static String typeUrl(Descriptor descriptor) {
        return requireNonNull(descriptor, "descriptor is null").getFullName();
    }

    /**
     * Packs a message as containerd does: bare full name as type URL, binary encoding as value.
     *
     * @param message the message to pack
     * @return an {@code Any} whose type URL is {@code message}'s full name
     */
    public static Any pack(Message message) {
        requireNonNull(message, "message is null");
        return Any.newBuilder()
                .setTypeUrl(typeUrl(message.getDescriptorForType()))
                .setValue(message.toByteString())
                .build();
    }

    /**
     * Returns the full message name an {@code Any} claims to hold: its type URL after the last
     * {@code /}, or the whole type URL when it has none (containerd's spelling).
     *
     * @param any the value to inspect
     * @return the type name, empty when the type URL is empty
     */
    public static String typeName(Any any) {
        String url = requireNonNull(any, "any is null").getTypeUrl();
        return url.substring(url.lastIndexOf('/') + 1);
    }

    /**
     * Tells whether an {@code Any} holds a message of the given type, with or without URL prefix.
     *
     * @param any the value to inspect
     * @param type the generated message class
     * @return true when the type name of {@code any} is the full name of {@code type}
     */
    public static boolean is(Any any, Class<? extends Message> type) {
        requireNonNull(type, "type is null");
        return typeName(any).equals(defaultInstance(type).getDescriptorForType().getFullName());
    }

    /**
     * Decodes the message an {@code Any} holds, accepting containerd's bare type URLs as well as
     * prefixed ones.
     *
     * @param any the value to decode
     * @param type the generated message class expected inside
     * @param <T> the message type
     * @return the decoded message
     * @throws InvalidProtocolBufferException when {@code any} holds another type or its value is malformed
     */
    public static <T extends Message> T unpack(Any any, Class<T> type) throws InvalidProtocolBufferException {
        T prototype = defaultInstance(type);
        String expected = prototype.getDescriptorForType().getFullName();
        if (!typeName(any).equals(expected)) {
            throw new InvalidProtocolBufferException(
                    "failed to unpack Any with type URL '" + any.getTypeUrl() + "' as " + expected + ": type mismatch");
        }
        @SuppressWarnings("unchecked")
        T message = (T) prototype.getParserForType().parseFrom(any.getValue());
        return message;
    }

    private static <T extends Message> T defaultInstance(Class<T> type) {
        return Internal.getDefaultInstance(requireNonNull(type, "type is null"));
    }
}
