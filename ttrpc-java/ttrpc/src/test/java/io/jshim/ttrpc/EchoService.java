package io.jshim.ttrpc;

import com.google.protobuf.ByteString;
import com.google.protobuf.Empty;
import io.jshim.ttrpc.test.v1.EchoRequest;
import io.jshim.ttrpc.test.v1.EchoResponse;
import io.jshim.ttrpc.test.v1.EchoTtrpc;

/** The test service: echoes, sleeps, fails or answers big payloads on request. */
class EchoService extends EchoTtrpc.EchoImplBase {

    @Override
    public EchoResponse echo(EchoRequest request) {
        if (request.getSleepMillis() > 0) {
            try {
                Thread.sleep(request.getSleepMillis());
            } catch (InterruptedException e) {
                throw Status.CANCELLED.withDescription("interrupted").asException(e);
            }
        }
        if (request.getFailCode() != 0) {
            if (request.getFailCode() < 0) {
                throw new IllegalStateException(request.getText());
            }
            throw Status.Code.forNumber(request.getFailCode()).toStatus().withDescription(request.getText()).asException();
        }
        RequestContext context = RequestContext.current();
        EchoResponse.Builder response = EchoResponse.newBuilder().setText(request.getText()).setBlob(request.getBlob());
        context.metadata().asMap().forEach((k, v) -> response.putMetadata(k, String.join(",", v)));
        context.remaining().ifPresent(left -> response.putMetadata("x-remaining-positive", String.valueOf(!left.isNegative())));
        if (request.getReplySize() > 0) {
            response.setBlob(ByteString.copyFrom(new byte[request.getReplySize()]));
        }
        return response.build();
    }

    @Override
    public Empty closeIO(EchoRequest request) {
        return Empty.getDefaultInstance();
    }
}
