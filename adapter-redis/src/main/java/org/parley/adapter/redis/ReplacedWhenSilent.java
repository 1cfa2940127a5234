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
 * new one once it has answered no {@code PING} in time for {@link #SILENCE_LIMIT}.
 *
 * <p>Lettuce reconnects a connection that it sees close, but not one that died without a word while commands were
 * waiting on it (a NAT or firewall that forgot it, a proxy whose far side went away, a failover to another address):
 * TCP keep-alive ({@link LettuceClients#KEEP_ALIVE}) only probes a connection with nothing unanswered, and TCP's
 * retransmissions give up after about 15 minutes on Linux, or never when a proxy in between acknowledges what it
 * drops. Until then every command times out, and its user decides on this node alone: the limits, presence and the
 * connection counts of several nodes would stay per node for that long. The bus replaces its own connections when it
 * stops hearing itself ({@link RedisEventBus}); this does the same for the others.
 *
 * <p>The rule: a command that times out makes this class probe the connection it was sent on with a {@code PING}, and
 * again as soon as one fails, each with the command time-out, until one is answered in time (the connection is alive:
 * nothing more happens) or {@link #SILENCE_LIMIT} has passed since the command that timed out was sent. Then a new
 * connection is opened in the background (no caller waits for it), put in place once it is ready, and the silent one is
 * closed, which fails the commands still waiting on it; one warning line. So a Redis that stalls for less than the
 * limit keeps its connections however often it stalls, and so does one whose scripts are slower than the time-out,
 * as long as a {@code PING} behind them is answered in time: the probes ask the connection itself, and do not depend
 * on how often its user asks. A replacement that fails (Redis hangs, or cannot be reached) leaves the silent connection
 * in place (its commands time out, and the probes go on) and is tried again one limit later. A probe that fails
 * otherwise than by a time-out (Lettuce saw the connection close and reconnects it, or rejects commands meanwhile)
 * ends the probing: Lettuce has noticed. Thread-safe: commands run on whichever connection is in place.
 *
 * @param <K> the key type of the codec
 * @param <V> the value type of the codec
 */
final class ReplacedWhenSilent<K, V> implements AutoCloseable {

    /** How long a connection may answer no {@code PING} in time before it is replaced. */
    static final Duration SILENCE_LIMIT = Duration.ofSeconds(5);

    private final RedisClient client;
    private final RedisCodec<K, V> codec;
    private final RedisURI uri;
    private final long commandTimeoutNanos;
    private final long silenceLimitNanos;
    private final Logger log;
    private final String owner;
    private final Object lock = new Object();
    /** The connection commands run on: written under the lock. */
    private volatile StatefulRedisConnection<K, V> current;
    /** Under the lock: the connection in place is being probed. */
    private boolean probing;
    /** Under the lock: when the silence being probed began (the sending of the command that timed out). */
    private long silentSinceNanos;
    /** Under the lock: from when a probe that times out opens a new connection. */
    private long replaceFromNanos;
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
     * @param uri   {@code client}'s Redis, with the command time-out its commands (and the probes) are given
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
     * {@link RedisCommandTimeoutException} starts the probing of that connection (unless it runs already).
     */
    <T> T call(Function<RedisCommands<K, V>, T> command) {
        StatefulRedisConnection<K, V> on = current;
        try {
            return command.apply(on.sync());
        } catch (RedisCommandTimeoutException timedOut) {
            startProbing(on, System.nanoTime() - commandTimeoutNanos);
            throw timedOut;
        }
    }

    private void startProbing(StatefulRedisConnection<K, V> on, long sentAtNanos) {
        synchronized (lock) {
            if (closed || probing || on != current) {
                return;
            }
            probing = true;
            silentSinceNanos = sentAtNanos;
            replaceFromNanos = sentAtNanos + silenceLimitNanos;
        }
        probe(on);
    }

    private void probe(StatefulRedisConnection<K, V> on) {
        try {
            on.async().ping().whenComplete((pong, failure) -> probed(on, failure));
        } catch (RuntimeException failure) {
            probed(on, failure);
        }
    }

    /** A probe of {@code on} was answered ({@code failure} null) or failed: what follows, out of the lock. */
    private void probed(StatefulRedisConnection<K, V> on, Throwable failure) {
        boolean replace = false;
        synchronized (lock) {
            if (on != current || closed) {
                return; // replaced or closed meanwhile: its probing is over
            }
            if (!(failure instanceof RedisCommandTimeoutException)) {
                probing = false; // answered in time: alive; or Lettuce saw it close and takes care of it
                return;
            }
            if (!replacing && System.nanoTime() - replaceFromNanos >= 0) {
                replacing = true;
                replace = true;
            }
        }
        if (replace) {
            replace();
        }
        probe(on);
    }

    private void replace() {
        try {
            client.connectAsync(codec, uri).whenComplete(this::replaced);
        } catch (RuntimeException failure) {
            replaced(null, failure);
        }
    }

    private void replaced(StatefulRedisConnection<K, V> fresh, Throwable failure) {
        StatefulRedisConnection<K, V> silentOne = null;
        boolean closeFresh = false;
        long silentForSeconds;
        synchronized (lock) {
            replacing = false;
            silentForSeconds = Duration.ofNanos(System.nanoTime() - silentSinceNanos).toSeconds();
            if (failure != null) {
                replaceFromNanos = System.nanoTime() + silenceLimitNanos;
            } else if (closed) {
                closeFresh = true;
            } else {
                silentOne = current;
                current = fresh;
                probing = false;
            }
        }
        if (failure != null) {
            log.debug("A new Redis connection for {} use could not be opened: {}", owner,
                    RedisBusUnavailable.describe(failure));
        } else if (closeFresh) {
            fresh.closeAsync();
        } else {
            log.warn("The Redis connection for {} use answered no PING in time for {} s: replaced by a new one", owner,
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
