package io.jshim.ttrpc;

import io.jshim.ttrpc.test.v1.EchoRequest;
import io.jshim.ttrpc.test.v1.EchoResponse;
import io.jshim.ttrpc.test.v1.StreamingTtrpc;
import java.util.Optional;

/** The streaming test service: counts, sums and echoes, failing or sleeping on request. */
class StreamingService extends StreamingTtrpc.StreamingImplBase {

    @Override
    public EchoResponse count(ServerStream<EchoRequest, EchoResponse> stream) {
        EchoRequest request = stream.receive().orElseThrow();
        for (int i = 0; i < request.getReplySize(); i++) {
            sleep(request.getSleepMillis());
            stream.send(EchoResponse.newBuilder().setText(String.valueOf(i)).setBlob(request.getBlob()).build());
        }
        if (request.getFailCode() != 0) {
            throw Status.Code.forNumber(request.getFailCode()).toStatus().withDescription(request.getText()).asException();
        }
        return null;
    }

    @Override
    public EchoResponse sum(ServerStream<EchoRequest, EchoResponse> stream) {
        long sum = 0;
        for (Optional<EchoRequest> next = stream.receive(); next.isPresent(); next = stream.receive()) {
            sum += Long.parseLong(next.get().getText());
        }
        return EchoResponse.newBuilder().setText(String.valueOf(sum)).build();
    }

    @Override
    public EchoResponse chat(ServerStream<EchoRequest, EchoResponse> stream) {
        for (Optional<EchoRequest> next = stream.receive(); next.isPresent(); next = stream.receive()) {
            if (next.get().getText().equals("fail")) {
                throw Status.INVALID_ARGUMENT.withDescription("asked to fail").asException();
            }
            stream.send(EchoResponse.newBuilder().setText(next.get().getText()).build());
        }
        return null;
    }

    private static void sleep(long millis) {
        if (millis > 0) {
            try {
                Thread.sleep(millis);
            } catch (InterruptedException e) {
                throw Status.CANCELLED.withDescription("interrupted").asException(e);
            }
        }
    }
}
