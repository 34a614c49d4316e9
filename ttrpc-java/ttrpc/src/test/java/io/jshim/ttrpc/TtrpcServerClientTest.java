package io.jshim.ttrpc;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.google.protobuf.ByteString;
import com.google.protobuf.Empty;
import com.google.protobuf.MessageLite;
import io.jshim.ttrpc.test.v1.EchoRequest;
import io.jshim.ttrpc.test.v1.EchoResponse;
import io.jshim.ttrpc.test.v1.EchoTtrpc;
import java.io.IOException;
import java.net.StandardProtocolFamily;
import java.net.UnixDomainSocketAddress;
import java.nio.channels.ServerSocketChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.Executors;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

@Timeout(value = 60, unit = TimeUnit.SECONDS)
class TtrpcServerClientTest {

    @TempDir
    Path dir;

    private final List<AutoCloseable> resources = new ArrayList<>();

    @AfterEach
    void closeAll() throws Exception {
        for (AutoCloseable r : resources.reversed()) {
            r.close();
        }
    }

    private Path start(TtrpcServer.Builder builder) throws IOException {
        TtrpcServer server = builder.build();
        resources.add(server);
        Path socket = dir.resolve("ttrpc.sock");
        server.serve(socket);
        return socket;
    }

    private Path startEcho() throws IOException {
        return start(TtrpcServer.builder().addService(new EchoService()));
    }

    private TtrpcClient connect(Path socket) throws IOException {
        TtrpcClient client = TtrpcClient.connect(socket);
        resources.add(client);
        return client;
    }

    @Test
    void unaryCallCarriesMetadataAndDeadlineThroughGeneratedStub() throws Exception {
        var stub = EchoTtrpc.newBlockingStub(connect(startEcho()))
                .withMetadata(Metadata.of("X-Trace", "a").with("x-trace", "b"))
                .withDeadline(Duration.ofSeconds(5));

        EchoResponse response = stub.echo(EchoRequest.newBuilder().setText("hello").build());

        assertThat(response.getText()).isEqualTo("hello");
        assertThat(response.getMetadataMap()).containsEntry("x-trace", "a,b").containsEntry("x-remaining-positive", "true");
        assertThat(stub.closeIO(EchoRequest.getDefaultInstance())).isEqualTo(Empty.getDefaultInstance());
    }

    @Test
    void socketFileIsPrivateToTheOwner() throws Exception {
        Path socket = startEcho();
        assertThat(PosixFilePermissions.toString(Files.getPosixFilePermissions(socket))).isEqualTo("rw-------");
    }

    @Test
    void handlerStatusReachesClientWithCodeAndMessage() throws Exception {
        var stub = EchoTtrpc.newBlockingStub(connect(startEcho()));

        assertThatThrownBy(() -> stub.echo(EchoRequest.newBuilder().setFailCode(5).setText("container c1 not found").build()))
                .isInstanceOfSatisfying(TtrpcException.class, e -> {
                    assertThat(e.status().code()).isEqualTo(Status.Code.NOT_FOUND);
                    assertThat(e.status().description()).isEqualTo("container c1 not found");
                });
        assertThatThrownBy(() -> stub.echo(EchoRequest.newBuilder().setFailCode(-1).setText("boom").build()))
                .isInstanceOfSatisfying(TtrpcException.class, e -> {
                    assertThat(e.status().code()).isEqualTo(Status.Code.UNKNOWN);
                    assertThat(e.status().description()).isEqualTo("boom");
                });
        // the connection survives handler failures
        assertThat(stub.echo(EchoRequest.newBuilder().setText("still").build()).getText()).isEqualTo("still");
    }

    @Test
    void unknownServiceOrMethodIsUnimplementedNamingIt() throws Exception {
        TtrpcClient client = connect(startEcho());
        var missingService = MethodDescriptor.create("no.Such", "Thing", Empty.parser(), Empty.parser());
        var missingMethod = MethodDescriptor.create(EchoTtrpc.SERVICE_NAME, "Nope", Empty.parser(), Empty.parser());

        assertThatThrownBy(() -> client.call(missingService, Empty.getDefaultInstance()))
                .isInstanceOfSatisfying(TtrpcException.class, e -> {
                    assertThat(e.status().code()).isEqualTo(Status.Code.UNIMPLEMENTED);
                    assertThat(e.status().description()).contains("no.Such");
                });
        assertThatThrownBy(() -> client.call(missingMethod, Empty.getDefaultInstance()))
                .isInstanceOfSatisfying(TtrpcException.class, e -> {
                    assertThat(e.status().code()).isEqualTo(Status.Code.UNIMPLEMENTED);
                    assertThat(e.status().description()).contains("ttrpc.test.v1.Echo/Nope");
                });
        assertThatThrownBy(() -> EchoTtrpc.newBlockingStub(client).unimplemented(Empty.getDefaultInstance()))
                .isInstanceOfSatisfying(TtrpcException.class, e -> {
                    assertThat(e.status().code()).isEqualTo(Status.Code.UNIMPLEMENTED);
                    assertThat(e.status().description()).contains("ttrpc.test.v1.Echo/Unimplemented");
                });
    }

    @Test
    void deadlineExceededOnClientAndServer() throws Exception {
        AtomicInteger interrupted = new AtomicInteger();
        CountDownLatch handlerDone = new CountDownLatch(1);
        var slow = ServiceDefinition.builder(EchoTtrpc.SERVICE_NAME)
                .addMethod(EchoTtrpc.METHOD_ECHO, request -> {
                    try {
                        Thread.sleep(request.getSleepMillis());
                    } catch (InterruptedException e) {
                        interrupted.incrementAndGet();
                    } finally {
                        handlerDone.countDown();
                    }
                    return EchoResponse.getDefaultInstance();
                })
                .build();
        var stub = EchoTtrpc.newBlockingStub(connect(start(TtrpcServer.builder().addService(slow))));

        long start = System.nanoTime();
        assertThatThrownBy(() -> stub.withDeadline(Duration.ofMillis(200)).echo(EchoRequest.newBuilder().setSleepMillis(10_000).build()))
                .isInstanceOfSatisfying(TtrpcException.class, e -> assertThat(e.status().code()).isEqualTo(Status.Code.DEADLINE_EXCEEDED));
        assertThat(Duration.ofNanos(System.nanoTime() - start)).isLessThan(Duration.ofSeconds(5));
        assertThat(handlerDone.await(5, TimeUnit.SECONDS)).isTrue();
        assertThat(interrupted).hasValue(1);
    }

    @Test
    void serverAnswersDeadlineExceededItselfWhenClientWaitsLonger() throws Exception {
        Path socket = startEcho();
        // a raw client sends a 100ms timeout and waits without its own deadline
        var request = io.jshim.ttrpc.proto.Request.newBuilder().setService(EchoTtrpc.SERVICE_NAME).setMethod("Echo")
                .setPayload(EchoRequest.newBuilder().setSleepMillis(5_000).build().toByteString())
                .setTimeoutNano(Duration.ofMillis(100).toNanos()).build();
        try (RawConnection raw = RawConnection.open(socket)) {
            raw.send(1, Frames.TYPE_REQUEST, request.toByteArray());
            var response = raw.receiveResponse(1, Duration.ofSeconds(5));
            assertThat(response.getStatus().getCode()).isEqualTo(Status.Code.DEADLINE_EXCEEDED.value());
        }
    }

    @Test
    void manyConcurrentCallsOnOneConnectionAreAnsweredOutOfOrder() throws Exception {
        var stub = EchoTtrpc.newBlockingStub(connect(startEcho()));
        List<String> finishOrder = new CopyOnWriteArrayList<>();
        try (var executor = Executors.newVirtualThreadPerTaskExecutor()) {
            List<Future<String>> results = new ArrayList<>();
            for (int i = 0; i < 100; i++) {
                int n = i;
                results.add(executor.submit(() -> {
                    String text = "call-" + n;
                    String echoed = stub.echo(EchoRequest.newBuilder().setText(text).setSleepMillis((100 - n) * 3L).build()).getText();
                    finishOrder.add(echoed);
                    return echoed;
                }));
            }
            for (int i = 0; i < 100; i++) {
                assertThat(results.get(i).get()).isEqualTo("call-" + i);
            }
        }
        // the call sent first sleeps longest: it cannot have finished first if calls run concurrently
        assertThat(finishOrder.getFirst()).isNotEqualTo("call-0");
        assertThat(finishOrder.getLast()).isIn("call-0", "call-1", "call-2", "call-3", "call-4");
    }

    @Test
    void serverInterceptorsRunFirstRegisteredOutermost() throws Exception {
        List<String> trace = new CopyOnWriteArrayList<>();
        ServerInterceptor outer = (context, request, next) -> {
            trace.add("outer-in " + context.fullMethodName() + " " + RequestContext.current().method());
            MessageLite response = next.proceed(request);
            trace.add("outer-out");
            return response;
        };
        ServerInterceptor inner = (context, request, next) -> {
            trace.add("inner-in");
            EchoRequest changed = ((EchoRequest) request).toBuilder().setText("changed by inner").build();
            MessageLite response = next.proceed(changed);
            trace.add("inner-out");
            return response;
        };
        var stub = EchoTtrpc.newBlockingStub(connect(start(TtrpcServer.builder()
                .addService(new EchoService()).intercept(outer).intercept(inner))));

        assertThat(stub.echo(EchoRequest.newBuilder().setText("x").build()).getText()).isEqualTo("changed by inner");
        assertThat(trace).containsExactly("outer-in ttrpc.test.v1.Echo/Echo Echo", "inner-in", "inner-out", "outer-out");
    }

    @Test
    void serverInterceptorFailureBecomesStatus() throws Exception {
        ServerInterceptor deny = (context, request, next) -> {
            throw Status.PERMISSION_DENIED.withDescription("no " + context.method()).asException();
        };
        var stub = EchoTtrpc.newBlockingStub(connect(start(TtrpcServer.builder().addService(new EchoService()).intercept(deny))));
        assertThatThrownBy(() -> stub.echo(EchoRequest.getDefaultInstance()))
                .isInstanceOfSatisfying(TtrpcException.class, e -> assertThat(e.status())
                        .isEqualTo(Status.PERMISSION_DENIED.withDescription("no Echo")));
    }

    @Test
    void clientInterceptorsRunFirstRegisteredOutermostAndCanAddMetadata() throws Exception {
        List<String> trace = new CopyOnWriteArrayList<>();
        TtrpcClient client = TtrpcClient.builder()
                .intercept((method, request, options, next) -> {
                    trace.add("outer " + method.fullMethodName());
                    return next.proceed(request, options.withMetadata(Metadata.of("added-by", "outer")));
                })
                .intercept((method, request, options, next) -> {
                    trace.add("inner " + options.metadata().get("added-by").orElse("?"));
                    return next.proceed(request, options);
                })
                .connect(startEcho());
        resources.add(client);

        EchoResponse response = EchoTtrpc.newBlockingStub(client).echo(EchoRequest.getDefaultInstance());

        assertThat(response.getMetadataMap()).containsEntry("added-by", "outer");
        assertThat(trace).containsExactly("outer ttrpc.test.v1.Echo/Echo", "inner outer");
    }

    @Test
    void peerGoingAwayFailsPendingCallsWithUnavailableAndRunsOnClose() throws Exception {
        TtrpcServer server = TtrpcServer.builder().addService(new EchoService()).build();
        Path socket = dir.resolve("gone.sock");
        server.serve(socket);
        CountDownLatch onClose = new CountDownLatch(1);
        TtrpcClient client = TtrpcClient.builder().onClose(onClose::countDown).connect(socket);
        resources.add(client);
        var stub = EchoTtrpc.newBlockingStub(client);
        try (var executor = Executors.newVirtualThreadPerTaskExecutor()) {
            Future<?> pending = executor.submit(() -> stub.echo(EchoRequest.newBuilder().setSleepMillis(30_000).build()));
            TestSockets.awaitTrue("call in flight", Duration.ofSeconds(5), () -> server.activeCallCount() == 1);
            server.shutdown(Duration.ofMillis(100));
            assertThatThrownBy(pending::get).cause().isInstanceOfSatisfying(TtrpcException.class, e -> {
                assertThat(e.status().code()).isEqualTo(Status.Code.UNAVAILABLE);
                assertThat(e.status().description()).contains(socket.toString());
            });
        }
        assertThat(onClose.await(5, TimeUnit.SECONDS)).isTrue();
        assertThat(client.isClosed()).isTrue();
        assertThatThrownBy(() -> stub.echo(EchoRequest.getDefaultInstance()))
                .isInstanceOfSatisfying(TtrpcException.class, e -> assertThat(e.status().code()).isEqualTo(Status.Code.UNAVAILABLE));
    }

    @Test
    void messagesOverFourMebibytesAreRefusedBothWays() throws Exception {
        var stub = EchoTtrpc.newBlockingStub(connect(startEcho()));
        ByteString big = ByteString.copyFrom(new byte[Frames.MAX_DATA_LENGTH + 1]);

        assertThatThrownBy(() -> stub.echo(EchoRequest.newBuilder().setBlob(big).build()))
                .isInstanceOfSatisfying(TtrpcException.class, e -> {
                    assertThat(e.status().code()).isEqualTo(Status.Code.RESOURCE_EXHAUSTED);
                    assertThat(e.status().description()).contains(String.valueOf(Frames.MAX_DATA_LENGTH)).containsPattern("length \\d+");
                });
        assertThatThrownBy(() -> stub.echo(EchoRequest.newBuilder().setReplySize(Frames.MAX_DATA_LENGTH).build()))
                .isInstanceOfSatisfying(TtrpcException.class, e -> {
                    assertThat(e.status().code()).isEqualTo(Status.Code.RESOURCE_EXHAUSTED);
                    assertThat(e.status().description()).contains(String.valueOf(Frames.MAX_DATA_LENGTH));
                });
        // just under the limit works
        ByteString large = ByteString.copyFrom(new byte[Frames.MAX_DATA_LENGTH - 1024]);
        assertThat(stub.echo(EchoRequest.newBuilder().setBlob(large).build()).getBlob().size()).isEqualTo(large.size());
    }

    @Test
    void peerCredentialCheckRefusesConnectionsAndSameUserAccepts() throws Exception {
        Path socket = start(TtrpcServer.builder().addService(new EchoService())
                .peerCredentialsCheck(peer -> {
                    throw new SecurityException("nobody allowed, not even " + peer);
                }));
        TtrpcClient client = connect(socket);
        assertThatThrownBy(() -> EchoTtrpc.newBlockingStub(client).echo(EchoRequest.getDefaultInstance()))
                .isInstanceOfSatisfying(TtrpcException.class, e -> assertThat(e.status().code()).isEqualTo(Status.Code.UNAVAILABLE));

        AtomicInteger seen = new AtomicInteger();
        PeerCredentialsCheck same = PeerCredentialsCheck.sameUser();
        TtrpcServer second = TtrpcServer.builder().addService(new EchoService())
                .peerCredentialsCheck(peer -> {
                    same.check(peer);
                    seen.incrementAndGet();
                }).build();
        resources.add(second);
        Path other = dir.resolve("same.sock");
        second.serve(other);
        assertThat(EchoTtrpc.newBlockingStub(connect(other)).echo(EchoRequest.newBuilder().setText("ok").build()).getText()).isEqualTo("ok");
        assertThat(seen).hasValue(1);
    }

    @Test
    void servesAnInheritedListeningChannel() throws Exception {
        Path socket = dir.resolve("inherited.sock");
        ServerSocketChannel listening = ServerSocketChannel.open(StandardProtocolFamily.UNIX);
        listening.bind(UnixDomainSocketAddress.of(socket));
        TtrpcServer server = TtrpcServer.builder().addService(new EchoService()).build();
        resources.add(server);
        server.serve(listening);
        assertThat(EchoTtrpc.newBlockingStub(connect(socket)).echo(EchoRequest.newBuilder().setText("inherited").build()).getText())
                .isEqualTo("inherited");
        assertThat(RequestContext.currentIfPresent()).isEmpty();
    }

    @Test
    void gracefulShutdownWaitsForRunningCalls() throws Exception {
        TtrpcServer server = TtrpcServer.builder().addService(new EchoService()).build();
        Path socket = dir.resolve("graceful.sock");
        server.serve(socket);
        var stub = EchoTtrpc.newBlockingStub(connect(socket));
        try (var executor = Executors.newVirtualThreadPerTaskExecutor()) {
            Future<EchoResponse> running = executor.submit(() -> stub.echo(EchoRequest.newBuilder().setText("done").setSleepMillis(300).build()));
            TestSockets.awaitTrue("call in flight", Duration.ofSeconds(5), () -> server.activeCallCount() == 1);
            assertThat(server.shutdown(Duration.ofSeconds(5))).isTrue();
            assertThat(running.get().getText()).isEqualTo("done");
        }
        assertThat(Files.exists(socket)).isFalse();
        assertThat(server.connectionCount()).isZero();
    }

    @Test
    void requestContextIsUnavailableOutsideHandlers() {
        assertThatThrownBy(RequestContext::current).isInstanceOf(IllegalStateException.class);
    }
}
