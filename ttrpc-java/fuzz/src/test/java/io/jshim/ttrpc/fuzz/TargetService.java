package io.jshim.ttrpc.fuzz;

import com.google.protobuf.Empty;
import io.jshim.ttrpc.RequestContext;
import io.jshim.ttrpc.Status;
import io.jshim.ttrpc.fuzz.v1.EchoRequest;
import io.jshim.ttrpc.fuzz.v1.EchoResponse;
import io.jshim.ttrpc.fuzz.v1.FailRequest;
import io.jshim.ttrpc.fuzz.v1.TargetTtrpc;
import io.jshim.ttrpc.fuzz.v1.WaitRequest;

/** The served service: every handler is cheap and bounded, so any slow answer is the server's doing. */
final class TargetService extends TargetTtrpc.TargetImplBase {

    /** The longest a {@code Wait} call sleeps. */
    static final int MAX_WAIT_MILLIS = 20;

    @Override
    public EchoResponse echo(EchoRequest request) {
        RequestContext context = RequestContext.current();
        EchoResponse.Builder response = EchoResponse.newBuilder()
                .setText(request.getText())
                .setBlob(request.getBlob())
                .setHasDeadline(context.remaining().isPresent());
        context.metadata().asMap().forEach((key, values) -> response.putMetadata(key, String.join(",", values)));
        return response.build();
    }

    @Override
    public Empty fail(FailRequest request) {
        if (request.getCode() == 0) {
            throw new IllegalStateException(request.getMessage());
        }
        throw Status.Code.forNumber(request.getCode()).toStatus().withDescription(request.getMessage()).asException();
    }

    @Override
    public Empty wait(WaitRequest request) {
        try {
            Thread.sleep(Math.min(request.getMillis() & 0xffff_ffffL, MAX_WAIT_MILLIS));
        } catch (InterruptedException e) {
            throw Status.CANCELLED.withDescription("interrupted while waiting").asException(e);
        }
        return Empty.getDefaultInstance();
    }
}
