package io.jshim.ttrpc;

import java.io.EOFException;
import java.io.IOException;
import java.net.StandardProtocolFamily;
import java.net.UnixDomainSocketAddress;
import java.nio.ByteBuffer;
import java.nio.channels.SocketChannel;
import java.nio.file.Path;
import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;

/** A hand-driven socket to send arbitrary bytes to a server in tests. */
final class RawConnection implements AutoCloseable {

    final SocketChannel channel;

    private RawConnection(SocketChannel channel) {
        this.channel = channel;
    }

    static RawConnection open(Path socket) throws IOException {
        SocketChannel channel = SocketChannel.open(StandardProtocolFamily.UNIX);
        channel.connect(UnixDomainSocketAddress.of(socket));
        return new RawConnection(channel);
    }

    void sendBytes(byte[] bytes) throws IOException {
        ByteBuffer buffer = ByteBuffer.wrap(bytes);
        while (buffer.hasRemaining()) {
            channel.write(buffer);
        }
    }

    void send(int streamId, byte type, byte[] data) throws IOException {
        sendHeader(data.length, streamId, type);
        sendBytes(data);
    }

    void sendHeader(long length, int streamId, byte type) throws IOException {
        sendBytes(ByteBuffer.allocate(10).putInt((int) length).putInt(streamId).put(type).put((byte) 0).array());
    }

    /** Reads one frame; fails on timeout. */
    Frames.Frame receive(Duration timeout) throws Exception {
        CompletableFuture<Frames.Frame> frame = CompletableFuture.supplyAsync(() -> {
            try {
                ByteBuffer header = readFully(10);
                int length = header.getInt();
                int stream = header.getInt();
                byte type = header.get();
                byte flags = header.get();
                return new Frames.Frame(stream, type, flags, length, readFully(length).array());
            } catch (IOException e) {
                throw new RuntimeException(e);
            }
        }, r -> Thread.ofVirtual().start(r));
        return frame.get(timeout.toMillis(), TimeUnit.MILLISECONDS);
    }

    io.jshim.ttrpc.proto.Response receiveResponse(int streamId, Duration timeout) throws Exception {
        Frames.Frame frame = receive(timeout);
        if (frame.streamId() != streamId || frame.type() != Frames.TYPE_RESPONSE) {
            throw new AssertionError("expected response on stream " + streamId + ", got " + frame);
        }
        return io.jshim.ttrpc.proto.Response.parseFrom(frame.data());
    }

    /** @return true when the server closed the connection within the timeout */
    boolean closedByPeer(Duration timeout) throws Exception {
        CompletableFuture<Boolean> eof = CompletableFuture.supplyAsync(() -> {
            ByteBuffer sink = ByteBuffer.allocate(64 * 1024);
            try {
                while (true) {
                    sink.clear();
                    if (channel.read(sink) < 0) {
                        return true;
                    }
                }
            } catch (IOException e) {
                return true;
            }
        }, r -> Thread.ofVirtual().start(r));
        try {
            return eof.get(timeout.toMillis(), TimeUnit.MILLISECONDS);
        } catch (java.util.concurrent.TimeoutException e) {
            return false;
        }
    }

    private ByteBuffer readFully(int n) throws IOException {
        ByteBuffer buffer = ByteBuffer.allocate(n);
        while (buffer.hasRemaining()) {
            if (channel.read(buffer) < 0) {
                throw new EOFException("server closed after " + buffer.position() + " of " + n + " bytes");
            }
        }
        return buffer.flip();
    }

    @Override
    public void close() throws IOException {
        channel.close();
    }
}
