package org.parley.adapter.redis;

import java.time.Duration;
import java.util.Objects;
import java.util.function.Function;

import io.lettuce.core.RedisClient;
import io.lettuce.core.RedisCommandTimeoutException;
import io.lettuce.core.RedisURI;
import io.lettuce.core.api.StatefulRedisConnection;
import io.lettuce.core.api.sync.RedisCommands;
import io.lettuce.core.codec.RedisCodec;
import org.slf4j.Logger;

/**
 * One Lettuce connection of a Redis user of this adapter (the limits, presence, the connection census), replaced by a
 * new one once it has answered nothing for {@link #SILENCE_LIMIT}.
 *
 * <p>Lettuce reconnects a connection that it sees close, but not one that died without a word while commands were
 * waiting on it (a NAT or firewall that forgot it, a proxy whose far side went away, a failover to another address):
 * TCP keep-alive ({@link LettuceClients#KEEP_ALIVE}) only probes a connection with nothing unanswered, and TCP's
 * retransmissions give up after about 15 minutes on Linux, or never when a proxy in between acknowledges what it
 * drops. Until then every command times out, and its user decides on this node alone: the limits, presence and the
 * connection counts of several nodes would stay per node for that long. The bus replaces its own connections when it
 * stops hearing itself ({@link RedisEventBus}); this does the same for the others, from their own commands.
 *
 * <p>The rule: a command that times out starts (or continues) a silence, dated from when it was sent; an answer ends
 * it. A time-out at least {@link #SILENCE_LIMIT} into a silence opens a new connection in the background (the calling
 * thread does not wait for it), puts it in place once it is ready, and closes the silent one, which fails the commands
 * still waiting on it. A Redis that is slow for less than the limit keeps its connection. A replacement that fails
 * (Redis hangs or cannot be reached: then Lettuce's own reconnection of the old connection goes on as before) is tried
 * again at a time-out one more limit later. Thread-safe: commands run on whichever connection is in place.
 *
 * @param <K> the key type of the codec
 * @param <V> the value type of the codec
 */
final class ReplacedWhenSilent<K, V> implements AutoCloseable {

    /** How long a connection may answer nothing (every command timing out) before it is replaced. */
    static final Duration SILENCE_LIMIT = Duration.ofSeconds(5);

    private final RedisClient client;
    private final RedisCodec<K, V> codec;
    private final RedisURI uri;
    private final long commandTimeoutNanos;
    private final long silenceLimitNanos;
    private final Logger log;
    private final String owner;
    private volatile StatefulRedisConnection<K, V> current;
    /** Whether a silence is under way: read without the lock by every answer, written under it. */
    private volatile boolean silent;
    private final Object lock = new Object();
    /** Under the lock: when the silence under way began (the first unanswered command's sending). */
    private long silentSinceNanos;
    /** Under the lock: a new connection is being opened. */
    private boolean replacing;
    /** Under the lock: closed; a connection opened meanwhile is closed at once. */
    private boolean closed;

    private ReplacedWhenSilent(RedisClient client, RedisCodec<K, V> codec, RedisURI uri, Duration silenceLimit,
                               Logger log, String owner) {
        this.client = client;
        this.codec = codec;
        this.uri = uri;
        this.commandTimeoutNanos = uri.getTimeout().toNanos();
        this.silenceLimitNanos = silenceLimit.toNanos();
        this.log = log;
        this.owner = owner;
    }

    /**
     * Connects now, on the calling thread.
     *
     * @param uri   {@code client}'s Redis, with the command time-out its commands are given
     * @param owner who uses it, for the log ("the limits'", "presence's", "the census's")
     * @throws RuntimeException as {@link RedisClient#connect(RedisCodec, RedisURI)} throws when Redis cannot be reached
     */
    static <K, V> ReplacedWhenSilent<K, V> connect(RedisClient client, RedisCodec<K, V> codec, RedisURI uri,
                                                   Duration silenceLimit, Logger log, String owner) {
        ReplacedWhenSilent<K, V> connection = new ReplacedWhenSilent<>(Objects.requireNonNull(client, "client"),
                Objects.requireNonNull(codec, "codec"), Objects.requireNonNull(uri, "uri"), silenceLimit, log, owner);
        connection.current = client.connect(codec, uri);
        return connection;
    }

    /**
     * {@code command}'s answer, run on the connection in place. Whatever {@code command} throws is thrown on; a
     * {@link RedisCommandTimeoutException} counts towards the silence that replaces the connection, an answer ends it.
     */
    <T> T call(Function<RedisCommands<K, V>, T> command) {
        T answer;
        try {
            answer = command.apply(current.sync());
        } catch (RedisCommandTimeoutException timedOut) {
            timedOut(System.nanoTime() - commandTimeoutNanos);
            throw timedOut;
        }
        if (silent) {
            synchronized (lock) {
                silent = false;
            }
        }
        return answer;
    }

    private void timedOut(long sentAtNanos) {
        long silentFor;
        synchronized (lock) {
            if (!silent) {
                silent = true;
                silentSinceNanos = sentAtNanos;
            }
            silentFor = Duration.ofNanos(System.nanoTime() - silentSinceNanos).toSeconds();
            if (closed || replacing || System.nanoTime() - silentSinceNanos < silenceLimitNanos) {
                return;
            }
            replacing = true;
        }
        client.connectAsync(codec, uri).whenComplete((fresh, failure) -> replaced(fresh, failure, silentFor));
    }

    private void replaced(StatefulRedisConnection<K, V> fresh, Throwable failure, long silentForSeconds) {
        StatefulRedisConnection<K, V> silentOne = null;
        boolean closeFresh = false;
        synchronized (lock) {
            replacing = false;
            if (failure != null) {
                silentSinceNanos = System.nanoTime(); // the next try one more limit later
            } else if (closed) {
                closeFresh = true;
            } else {
                silentOne = current;
                current = fresh;
                silent = false;
            }
        }
        if (failure != null) {
            log.debug("A new Redis connection for {} use could not be opened: {}", owner,
                    RedisBusUnavailable.describe(failure));
        } else if (closeFresh) {
            fresh.closeAsync();
        } else {
            log.warn("The Redis connection for {} use answered nothing for {} s: replaced by a new one", owner,
                    silentForSeconds);
            silentOne.closeAsync();
        }
    }

    /** Closes the connection in place (a replacement under way is closed once it is ready). Idempotent. */
    @Override
    public void close() {
        StatefulRedisConnection<K, V> open;
        synchronized (lock) {
            closed = true;
            open = current;
        }
        if (open != null) {
            open.close();
        }
    }
}
