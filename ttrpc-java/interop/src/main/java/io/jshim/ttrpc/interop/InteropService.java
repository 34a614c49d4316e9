package io.jshim.ttrpc.interop;

import com.google.protobuf.ByteString;
import io.jshim.ttrpc.RequestContext;
import io.jshim.ttrpc.Status;
import io.jshim.ttrpc.interop.v1.EchoRequest;
import io.jshim.ttrpc.interop.v1.EchoResponse;
import io.jshim.ttrpc.interop.v1.InteropTtrpc;

/**
 * The Java implementation of {@code ttrpc.interop.v1.Interop}, behaving like the Go one in
 * {@code src/test/go/ttrpc-interop/server.go}: echoes text, blob and metadata; sleeps, fails or
 * answers a big blob on request.
 */
public final class InteropService extends InteropTtrpc.InteropImplBase {

    /** Creates the service. */
    public InteropService() {
    }

    @Override
    public EchoResponse echo(EchoRequest request) {
        if (request.getSleepMillis() > 0) {
            try {
                Thread.sleep(request.getSleepMillis());
            } catch (InterruptedException e) {
                throw Status.DEADLINE_EXCEEDED.withDescription("interrupted while sleeping").asException(e);
            }
        }
        if (request.getFailCode() < 0) {
            throw new IllegalStateException(request.getText());
        }
        if (request.getFailCode() > 0) {
            throw Status.Code.forNumber(request.getFailCode()).toStatus().withDescription(request.getText()).asException();
        }
        EchoResponse.Builder response = EchoResponse.newBuilder().setText(request.getText()).setBlob(request.getBlob());
        RequestContext.current().metadata().asMap().forEach((k, v) -> response.putMetadata(k, String.join(",", v)));
        if (request.getReplySize() > 0) {
            response.setBlob(ByteString.copyFrom(new byte[request.getReplySize()]));
        }
        return response.build();
    }
}
