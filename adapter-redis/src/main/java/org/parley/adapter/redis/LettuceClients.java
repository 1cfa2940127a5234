package org.parley.adapter.redis;

import java.time.Duration;
import java.util.concurrent.TimeUnit;
import java.util.function.UnaryOperator;

import io.lettuce.core.ClientOptions;
import io.lettuce.core.RedisClient;
import io.lettuce.core.RedisURI;
import io.lettuce.core.SocketOptions;
import io.lettuce.core.TimeoutOptions;
import io.lettuce.core.resource.ClientResources;
import io.lettuce.core.resource.DefaultClientResources;
import io.lettuce.core.resource.Delay;
import io.lettuce.core.resource.ExtendedKeepAliveSupport;
import org.slf4j.Logger;

/**
 * How every Redis user of this adapter (the bus, the limits, presence, the connection census) builds its Lettuce client
 * and lets it go: its own small thread pools, reconnection after 50 ms doubling up to 1 s, commands refused at once
 * while disconnected (never queued), TCP keep-alive ({@link #KEEP_ALIVE}), the settings' connect timeout and a timeout
 * on every command.
 */
final class LettuceClients {

    /**
     * TCP keep-alive: the first probe after 5 s without a byte received, then one every 2 s, and the connection dropped
     * (Lettuce then reconnects) after 3 unanswered: a connection whose other end went away without a word, idle
     * meanwhile, is noticed in about 11 s instead of the two hours and more of the operating system's defaults (Linux:
     * {@code net.ipv4.tcp_keepalive_time} 7,200 s). A connection with commands unanswered is dropped when TCP's
     * retransmissions give up instead (Linux: about 15 minutes); the bus does not wait for either ({@link
     * RedisEventBus}: it replaces connections it stops hearing itself on), nor do the others ({@link
     * ReplacedWhenSilent}: replaced once they have answered no {@code PING} in time for 5 s). Where the JDK cannot set
     * these (macOS with Netty's kqueue transport, say), the operating system's keep-alive settings apply.
     */
    static final SocketOptions.KeepAliveOptions KEEP_ALIVE = SocketOptions.KeepAliveOptions.builder()
            .enable().idle(Duration.ofSeconds(5)).interval(Duration.ofSeconds(2)).count(3).build();

    private LettuceClients() {
    }

    /**
     * Event-loop and computation threads of their own, and the reconnection delays above. Lettuce (7.7) raises either
     * pool below two threads to two ({@code DefaultClientResources.MIN_IO_THREADS}, {@code MIN_COMPUTATION_THREADS},
     * with an INFO line the logging configuration hides), so {@code ioThreads} of 1 gives two I/O threads: Netty binds
     * each connection to one of them, in turn, so a client's first two connections are read on different threads, and
     * a reconnecting connection takes the next. The computation threads start only when first used (a reconnection, or
     * a command time-out of a {@link ReplacedWhenSilent}, whose later probes they send);
     * a timer thread ({@code lettuce-timer}, the command time-outs) starts at once. Counted in a running bus: two
     * {@code lettuce-nioEventLoop} threads and one {@code lettuce-timer} thread, and two
     * {@code lettuce-eventExecutorLoop} threads more once a connection has been re-established.
     */
    static ClientResources resources(int ioThreads) {
        return DefaultClientResources.builder()
                .ioThreadPoolSize(ioThreads)
                .computationThreadPoolSize(1)
                .reconnectDelay(Delay.exponential(Duration.ofMillis(50), Duration.ofSeconds(1), 2,
                        TimeUnit.MILLISECONDS))
                .build();
    }

    /**
     * A client of {@code settings}' Redis on {@code resources}, with the options above; {@code more} adds options of
     * its user's own (e.g. a request queue bound).
     */
    static RedisClient client(ClientResources resources, RedisBusSettings settings, Duration commandTimeout,
                              UnaryOperator<ClientOptions.Builder> more) {
        RedisClient client = RedisClient.create(resources, uri(settings, commandTimeout));
        client.setOptions(more.apply(ClientOptions.builder()
                        .autoReconnect(true)
                        .disconnectedBehavior(ClientOptions.DisconnectedBehavior.REJECT_COMMANDS)
                        .socketOptions(socketOptions(settings))
                        .timeoutOptions(TimeoutOptions.enabled(commandTimeout)))
                .build());
        return client;
    }

    /** {@code settings}' Redis, its commands given {@code commandTimeout} (what {@link #client} connects to). */
    static RedisURI uri(RedisBusSettings settings, Duration commandTimeout) {
        RedisURI uri = RedisURI.create(settings.url());
        uri.setTimeout(commandTimeout);
        return uri;
    }

    private static SocketOptions socketOptions(RedisBusSettings settings) {
        SocketOptions.Builder options = SocketOptions.builder().connectTimeout(settings.connectTimeout());
        return (ExtendedKeepAliveSupport.isSupported() ? options.keepAlive(KEEP_ALIVE) : options.keepAlive(true))
                .build();
    }

    /** Shuts the client, then its resources, down (up to 2 s each); a failure is logged at debug as {@code owner}'s. */
    static void shutDown(RedisClient client, ClientResources resources, Logger log, String owner) {
        try {
            client.shutdown(Duration.ZERO, Duration.ofSeconds(2));
        } catch (RuntimeException e) {
            log.debug("Closing {} Redis client failed: {}", owner, RedisBusUnavailable.describe(e));
        }
        try {
            resources.shutdown(0, 2, TimeUnit.SECONDS);
        } catch (RuntimeException e) {
            log.debug("Closing {} Redis client resources failed: {}", owner, RedisBusUnavailable.describe(e));
        }
    }
}
