package org.parley.benchmarks;

import io.netty.channel.IoHandlerFactory;
import io.netty.channel.MultiThreadIoEventLoopGroup;
import io.netty.channel.epoll.Epoll;
import io.netty.channel.epoll.EpollIoHandler;
import io.netty.channel.epoll.EpollSocketChannel;
import io.netty.channel.nio.NioIoHandler;
import io.netty.channel.socket.SocketChannel;
import io.netty.channel.socket.nio.NioSocketChannel;
import io.netty.util.concurrent.DefaultThreadFactory;

/**
 * The socket transport of the websocket clients: Linux's native epoll when Netty can load it, else the JDK's NIO.
 * {@code -Dio.netty.transport.noNative=true} forces NIO.
 */
record IoTransport(String name, IoHandlerFactory ioHandlers, Class<? extends SocketChannel> channelType) {

    static IoTransport best() {
        return Epoll.isAvailable()
                ? new IoTransport("epoll", EpollIoHandler.newFactory(), EpollSocketChannel.class)
                : new IoTransport("nio", NioIoHandler.newFactory(), NioSocketChannel.class);
    }

    /** Event-loop threads named {@code bench-io-…}; daemons, so a stuck connection never keeps the tool alive. */
    MultiThreadIoEventLoopGroup eventLoops(int threads) {
        return new MultiThreadIoEventLoopGroup(threads, new DefaultThreadFactory("bench-io", true), ioHandlers);
    }
}
