package io.jshim.ttrpc.fuzz;

import com.code_intelligence.jazzer.api.FuzzedDataProvider;
import com.google.protobuf.ByteString;
import com.google.protobuf.Empty;
import com.google.protobuf.InvalidProtocolBufferException;
import com.google.protobuf.MessageLite;
import io.jshim.ttrpc.Status;
import io.jshim.ttrpc.fuzz.v1.EchoRequest;
import io.jshim.ttrpc.fuzz.v1.EchoResponse;
import io.jshim.ttrpc.fuzz.v1.FailRequest;
import io.jshim.ttrpc.fuzz.v1.TargetTtrpc;
import io.jshim.ttrpc.fuzz.v1.WaitRequest;
import io.jshim.ttrpc.proto.KeyValue;
import io.jshim.ttrpc.proto.Request;
import io.jshim.ttrpc.proto.Response;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * One request frame with fuzzed {@code ttrpc.Request} fields (service, method, payload, timeout,
 * metadata) and stream id, and the check of the server's answer to it.
 */
final class FuzzedCall {

    private static final List<String> METHODS = List.of("Echo", "Fail", "Wait", "Missing");
    private static final long FIFTY_MILLIS = 50_000_000L;

    private final int streamId;
    /** The request as the server decodes it (strings went through UTF-8 once). */
    private final Request request;

    private FuzzedCall(int streamId, Request request) {
        this.streamId = streamId;
        this.request = request;
    }

    /**
     * @param oddStreamId the next unused odd stream id of the connection, taken unless the fuzzer
     *     picks an even one (which the server must refuse)
     */
    static FuzzedCall from(FuzzedDataProvider data, int oddStreamId) throws InvalidProtocolBufferException {
        int streamId = data.consumeInt(0, 15) == 0 ? data.consumeInt() & ~1 : oddStreamId;
        Request.Builder request = Request.newBuilder()
                .setService(switch (data.consumeInt(0, 3)) {
                    case 0 -> data.consumeString(40);
                    case 1 -> TargetTtrpc.SERVICE_NAME.toUpperCase(Locale.ROOT);
                    default -> TargetTtrpc.SERVICE_NAME;
                })
                .setMethod(data.consumeInt(0, 4) == 0 ? data.consumeString(20) : data.pickValue(METHODS))
                .setTimeoutNano(switch (data.consumeInt(0, 5)) {
                    case 0 -> data.consumeLong();
                    case 1 -> data.consumeLong(Long.MIN_VALUE, -1);
                    case 2 -> data.consumeLong(1, FIFTY_MILLIS);
                    case 3 -> Long.MAX_VALUE;
                    default -> 0;
                });
        int entries = data.consumeInt(0, 4);
        for (int i = 0; i < entries; i++) {
            request.addMetadata(KeyValue.newBuilder().setKey(data.consumeString(16)).setValue(data.consumeString(32)));
        }
        request.setPayload(data.consumeBoolean()
                ? ByteString.copyFrom(data.consumeBytes(64))
                : validPayload(request.getMethod(), data));
        // what the server sees: unpaired surrogates in fuzzed strings become '?' on the wire
        return new FuzzedCall(streamId, Request.parseFrom(request.build().toByteArray()));
    }

    private static ByteString validPayload(String method, FuzzedDataProvider data) {
        MessageLite message = switch (method) {
            case "Fail" -> FailRequest.newBuilder().setCode(data.consumeInt(-2, 20)).setMessage(data.consumeString(32)).build();
            case "Wait" -> WaitRequest.newBuilder().setMillis(data.consumeInt()).build();
            case "Missing" -> Empty.getDefaultInstance();
            default -> EchoRequest.newBuilder().setText(data.consumeString(64)).setBlob(ByteString.copyFrom(data.consumeBytes(64))).build();
        };
        return message.toByteString();
    }

    int streamId() {
        return streamId;
    }

    WireFrame frame() {
        return new WireFrame(streamId, WireFrame.REQUEST, (byte) 0, request.toByteArray());
    }

    /**
     * @throws AssertionError unless the response is the one the protocol and the service define for
     *     this request (with {@code DEADLINE_EXCEEDED} accepted for any call given a short deadline)
     */
    void check(Response response) throws InvalidProtocolBufferException {
        Status.Code code = Status.Code.forNumber(response.getStatus().getCode());
        String message = response.getStatus().getMessage();
        if ((streamId & 1) == 0) {
            expect(code == Status.Code.INVALID_ARGUMENT && message.contains("odd"), response, "INVALID_ARGUMENT for an even stream id");
            return;
        }
        long timeout = request.getTimeoutNano();
        if (timeout < 0) {
            expect(code == Status.Code.DEADLINE_EXCEEDED, response, "DEADLINE_EXCEEDED for a negative timeout");
            return;
        }
        if (code == Status.Code.DEADLINE_EXCEEDED && timeout > 0 && timeout <= FIFTY_MILLIS * 20) {
            return; // a short deadline may pass before any handler answers
        }
        String fullName = request.getService() + "/" + request.getMethod();
        if (!request.getService().equals(TargetTtrpc.SERVICE_NAME)) {
            expect(code == Status.Code.UNIMPLEMENTED && message.contains(request.getService()), response,
                    "UNIMPLEMENTED naming service " + request.getService());
            return;
        }
        if (!METHODS.contains(request.getMethod())) {
            expect(code == Status.Code.UNIMPLEMENTED && message.contains(fullName), response, "UNIMPLEMENTED naming " + fullName);
            return;
        }
        switch (request.getMethod()) {
            case "Missing" -> {
                if (!parses(Empty.parser())) {
                    expectUnparsablePayload(code, response);
                    return;
                }
                expect(code == Status.Code.UNIMPLEMENTED && message.contains(fullName), response, "UNIMPLEMENTED naming " + fullName);
            }
            case "Echo" -> {
                if (!parses(EchoRequest.parser())) {
                    expectUnparsablePayload(code, response);
                    return;
                }
                expect(code == Status.Code.OK, response, "OK from Echo");
                EchoRequest sent = EchoRequest.parseFrom(request.getPayload());
                EchoResponse echoed = EchoResponse.parseFrom(response.getPayload());
                expect(echoed.getText().equals(sent.getText()) && echoed.getBlob().equals(sent.getBlob())
                        && echoed.getMetadataMap().equals(expectedMetadata()) && echoed.getHasDeadline() == (timeout != 0),
                        response, "the echo of " + sent + " with metadata " + expectedMetadata() + ", got " + echoed);
            }
            case "Fail" -> {
                if (!parses(FailRequest.parser())) {
                    expectUnparsablePayload(code, response);
                    return;
                }
                FailRequest fail = FailRequest.parseFrom(request.getPayload());
                Status.Code thrown = fail.getCode() == 0 ? Status.Code.UNKNOWN : Status.Code.forNumber(fail.getCode());
                String description = fail.getCode() == 0 && fail.getMessage().isEmpty()
                        ? IllegalStateException.class.getName() : fail.getMessage();
                expect(code == thrown && message.equals(description), response, thrown + ": " + description);
            }
            case "Wait" -> {
                if (!parses(WaitRequest.parser())) {
                    expectUnparsablePayload(code, response);
                    return;
                }
                expect(code == Status.Code.OK && response.getPayload().isEmpty(), response, "OK from Wait");
            }
            default -> throw new AssertionError("unhandled method " + request.getMethod());
        }
    }

    private Map<String, String> expectedMetadata() {
        Map<String, String> joined = new LinkedHashMap<>();
        for (KeyValue kv : request.getMetadataList()) {
            joined.merge(kv.getKey().toLowerCase(Locale.ROOT), kv.getValue(), (a, b) -> a + "," + b);
        }
        return joined;
    }

    private void expectUnparsablePayload(Status.Code code, Response response) {
        expect(code == Status.Code.INTERNAL && response.getStatus().getMessage().contains("unmarshalling payload"),
                response, "INTERNAL for a payload that is not the method's request");
    }

    private boolean parses(com.google.protobuf.Parser<?> parser) {
        try {
            parser.parseFrom(request.getPayload());
            return true;
        } catch (InvalidProtocolBufferException e) {
            return false;
        }
    }

    private void expect(boolean condition, Response response, String what) {
        if (!condition) {
            throw new AssertionError("stream " + Integer.toUnsignedString(streamId) + ": expected " + what + " for request "
                    + request + " but got status " + response.getStatus());
        }
    }
}
