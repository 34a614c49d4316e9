package io.jshim.dist.cri;

import io.grpc.ManagedChannel;
import io.grpc.netty.shaded.io.grpc.netty.NettyChannelBuilder;
import io.grpc.netty.shaded.io.netty.channel.epoll.EpollDomainSocketChannel;
import io.grpc.netty.shaded.io.netty.channel.epoll.EpollEventLoopGroup;
import io.grpc.netty.shaded.io.netty.channel.unix.DomainSocketAddress;
import io.jshim.dist.cri.api.ImageServiceGrpc;
import io.jshim.dist.cri.api.RuntimeServiceGrpc;
import java.nio.file.Path;
import java.time.Duration;
import java.util.concurrent.TimeUnit;

/**
 * A CRI client (what crictl is) over containerd's gRPC Unix socket, where containerd 1.6's CRI plugin serves
 * {@code runtime.v1.RuntimeService} and {@code runtime.v1.ImageService}. Every call gets its own deadline.
 */
final class CriClient implements AutoCloseable {
  private final EpollEventLoopGroup eventLoop;
  private final ManagedChannel channel;
  private final Duration callBound;

  /**
   * @param socket containerd's gRPC socket
   * @param callBound the deadline of each call
   */
  CriClient(Path socket, Duration callBound) {
    this.callBound = callBound;
    this.eventLoop = new EpollEventLoopGroup(1);
    this.channel = NettyChannelBuilder.forAddress(new DomainSocketAddress(socket.toFile()))
        .eventLoopGroup(eventLoop)
        .channelType(EpollDomainSocketChannel.class)
        .overrideAuthority("localhost")
        .usePlaintext()
        .build();
  }

  /** @return the runtime service, its deadline starting now */
  RuntimeServiceGrpc.RuntimeServiceBlockingStub runtime() {
    return RuntimeServiceGrpc.newBlockingStub(channel).withDeadlineAfter(callBound.toMillis(), TimeUnit.MILLISECONDS);
  }

  /** @return the image service, its deadline starting now */
  ImageServiceGrpc.ImageServiceBlockingStub images() {
    return ImageServiceGrpc.newBlockingStub(channel).withDeadlineAfter(callBound.toMillis(), TimeUnit.MILLISECONDS);
  }

  @Override
  public void close() throws InterruptedException {
    channel.shutdownNow();
    channel.awaitTermination(5, TimeUnit.SECONDS);
    eventLoop.shutdownGracefully(0, 1, TimeUnit.SECONDS).await(5, TimeUnit.SECONDS);
  }
}
