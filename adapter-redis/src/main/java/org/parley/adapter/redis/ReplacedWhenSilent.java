package org.parley.adapter.redis;

import java.time.Duration;
import java.util.Objects;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.TimeUnit;
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
 * new one once it has answered no {@code PING} in time for {@link #SILENCE_LIMIT} (more when such replacements follow one
 * another).
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
 * nothing more happens) or the limit has passed since the command that timed out was sent. Then a new connection is
 * opened in the background (no caller waits for it), put in place once it is ready, and the silent one is closed,
 * which fails the commands still waiting on it; one warning line. So a Redis that stalls for less than the limit keeps
 * its connections however often it stalls, and so does one whose scripts are slower than the time-out, as long as a
 * {@code PING} behind them is answered in time: the probes ask the connection itself, and do not depend on how often
 * its user asks.
 *
 * <ul>
 *   <li>The limit is {@link #SILENCE_LIMIT} after a quiet time. When the new connection falls silent too before it
 *       answered a {@code PING} probe in time, or a command once in place for as long as its wait, or
 *       {@link #LONGEST_WAIT} passed, the limit doubles, up to that wait, and such replacements in a row log at
 *       debug: a Redis that holds this connection's writes while it answers a new connection's handshake ({@code
 *       CLIENT PAUSE … WRITE} during a failover) costs one replacement a minute at most, not one every few seconds.
 *       A connection that worked for its wait and then dies is a new silence: the limit again, and a warning.</li>
 *   <li>A probe whose time-out fired later than twice the time-out after its sending (this JVM stood still: a long
 *       garbage collection, a frozen VM) replaces nothing: the next probe decides.</li>
 *   <li>A replacement that fails (Redis hangs, or cannot be reached) leaves the silent connection in place (its
 *       commands time out) and is tried again one limit later; until then one probe is sent, at that time.</li>
 *   <li>A replacement that comes when its silence is over (a probe was answered meanwhile) or after {@link #close} is
 *       closed, not put in place.</li>
 *   <li>A probe that fails otherwise than by a time-out (Lettuce saw the connection close and reconnects it, or rejects
 *       commands meanwhile) ends the probing: Lettuce has noticed.</li>
 * </ul>
 *
 * <p>Thread-safe: commands run on whichever connection is in place. The first probe of a silence is sent by the
 * caller whose command timed out, the next ones by Lettuce's computation threads (its event executors).
 *
 * @param <K> the key type of the codec
 * @param <V> the value type of the codec
 */
final class ReplacedWhenSilent<K, V> implements AutoCloseable {

    /** How long a connection may answer no {@code PING} in time before it is replaced, after a quiet time. */
    static final Duration SILENCE_LIMIT = Duration.ofSeconds(5);

    /** The longest wait the limit grows to when replacements follow one another; also the quiet time that resets it. */
    static final Duration LONGEST_WAIT = Duration.ofMinutes(1);

    private final RedisClient client;
    private final RedisCodec<K, V> codec;
    private final RedisURI uri;
    private final long commandTimeoutNanos;
    private final long silenceLimitNanos;
    private final long longestWaitNanos;
    private final Logger log;
    private final String owner;
    private final Object lock = new Object();
    /** The connection commands run on: written under the lock. */
    private volatile StatefulRedisConnection<K, V> current;
    /** Under the lock: when {@link #current} was put in place. */
    private long inPlaceSinceNanos;
    /** Under the lock: the connection in place is being probed. */
    private boolean probing;
    /** Under the lock: the number of the silence being probed, or last probed (probes and tries of older ones end). */
    private long silence;
    /** Under the lock: when the silence being probed began (the sending of the command that timed out). */
    private long silentSinceNanos;
    /** Under the lock: from when a probe that times out opens a new connection. */
    private long replaceFromNanos;
    /** Under the lock: a replacement of the silence being probed has failed (the next probes wait for the next try). */
    private boolean aTryFailed;
    /**
     * Under the lock: connections replaced one after another, none answering a probe in time, nor a command once in
     * place for as long as its wait, nor quiet for the longest wait.
     */
    private int replacedInARow;
    /** {@link #replacedInARow} is not 0: a command answered is looked at (written under the lock). */
    private volatile boolean inARow;
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
        this.longestWaitNanos = Math.max(silenceLimitNanos, LONGEST_WAIT.toNanos());
        this.log = log;
        this.owner = owner;
    }

    /**
     * Connects now, on the calling thread.
     *
     * @param uri          {@code client}'s Redis, with the command time-out its commands (and the probes) are given
     * @param silenceLimit how long a connection may answer no {@code PING} in time before it is replaced, after a quiet
     *                     time ({@link #SILENCE_LIMIT} but in tests)
     * @param owner        who uses it, for the log ("the limits'", "presence's", "the census's")
     * @throws RuntimeException as {@link RedisClient#connect(RedisCodec, RedisURI)} throws when Redis cannot be reached
     */
    static <K, V> ReplacedWhenSilent<K, V> connect(RedisClient client, RedisCodec<K, V> codec, RedisURI uri,
                                                   Duration silenceLimit, Logger log, String owner) {
        ReplacedWhenSilent<K, V> connection = new ReplacedWhenSilent<>(Objects.requireNonNull(client, "client"),
                Objects.requireNonNull(codec, "codec"), Objects.requireNonNull(uri, "uri"), silenceLimit, log, owner);
        StatefulRedisConnection<K, V> first = client.connect(codec, uri);
        synchronized (connection.lock) {
            connection.current = first;
            connection.inPlaceSinceNanos = System.nanoTime();
        }
        return connection;
    }

    /**
     * {@code command}'s answer, run on the connection in place. Whatever {@code command} throws is thrown on; a
     * {@link RedisCommandTimeoutException} starts the probing of that connection (unless it runs already).
     */
    <T> T call(Function<RedisCommands<K, V>, T> command) {
        StatefulRedisConnection<K, V> on = current;
        T answer;
        try {
            answer = command.apply(on.sync());
        } catch (RedisCommandTimeoutException timedOut) {
            startProbing(on, System.nanoTime() - commandTimeoutNanos);
            throw timedOut;
        }
        if (inARow) {
            answered(on);
        }
        return answer;
    }

    /**
     * A command on {@code on} was answered while replacements are in a row: once {@code on} has been in place for as
     * long as its wait, the row is over (it worked; its next silence is a new one, not a sequel), whatever killed the
     * connections before. A connection whose writes Redis holds answers nothing that late.
     */
    private void answered(StatefulRedisConnection<K, V> on) {
        synchronized (lock) {
            if (on == current && replacedInARow > 0
                    && System.nanoTime() - inPlaceSinceNanos - limit(replacedInARow) >= 0) {
                endRow();
            }
        }
    }

    /** Under the lock. */
    private void endRow() {
        replacedInARow = 0;
        inARow = false;
    }

    private void startProbing(StatefulRedisConnection<K, V> on, long sentAtNanos) {
        long probed;
        synchronized (lock) {
            if (closed || probing || on != current) {
                return;
            }
            if (sentAtNanos - inPlaceSinceNanos - longestWaitNanos >= 0) {
                endRow(); // quiet for the longest wait: this silence is not the last one's sequel
            }
            probing = true;
            probed = ++silence;
            silentSinceNanos = sentAtNanos;
            replaceFromNanos = sentAtNanos + limit(replacedInARow);
            aTryFailed = false;
        }
        probe(on, probed);
    }

    /** The silence a connection is allowed after {@code replacedInARow} replacements in a row: doubled, up to a cap. */
    private long limit(int replacedInARow) {
        long limit = silenceLimitNanos;
        for (int i = 0; i < replacedInARow && limit < longestWaitNanos; i++) {
            limit *= 2;
        }
        return Math.min(limit, longestWaitNanos);
    }

    private void probe(StatefulRedisConnection<K, V> on, long probed) {
        synchronized (lock) {
            if (closed) {
                return;
            }
        }
        long sentAtNanos = System.nanoTime();
        try {
            on.async().ping().whenComplete((pong, failure) -> probed(on, probed, sentAtNanos, failure));
        } catch (RuntimeException failure) {
            probed(on, probed, sentAtNanos, failure);
        }
    }

    /**
     * A probe of {@code on}, sent at {@code sentAtNanos} for silence number {@code probed}, was answered ({@code
     * failure} null) or failed: what follows, out of the lock. The next probe is never sent from here but handed to
     * Lettuce's computation threads, so no chain of probes grows the stack.
     */
    private void probed(StatefulRedisConnection<K, V> on, long probed, long sentAtNanos, Throwable failure) {
        boolean replace = false;
        long nextProbeInNanos;
        synchronized (lock) {
            if (closed || !probing || probed != silence || on != current) {
                return; // closed, answered, or replaced meanwhile: this probing is over
            }
            if (!(failure instanceof RedisCommandTimeoutException)) {
                probing = false; // answered in time: alive; or Lettuce saw it close and takes care of it
                if (failure == null) {
                    endRow();
                }
                return;
            }
            long now = System.nanoTime();
            // A time-out that fired late says more about this JVM (it stood still) than about the connection.
            boolean onTime = now - sentAtNanos - 2 * commandTimeoutNanos <= 0;
            if (onTime && !replacing && now - replaceFromNanos >= 0) {
                replacing = true;
                replace = true;
            }
            if (!aTryFailed) {
                nextProbeInNanos = 0;
            } else if (replace) {
                nextProbeInNanos = limit(replacedInARow); // when the next try would be, if this one fails too
            } else {
                nextProbeInNanos = Math.max(0, replaceFromNanos - now);
            }
        }
        if (replace) {
            replace(probed);
        }
        later(() -> probe(on, probed), nextProbeInNanos);
    }

    private void later(Runnable task, long delayNanos) {
        try {
            if (delayNanos > 0) {
                client.getResources().eventExecutorGroup().schedule(task, delayNanos, TimeUnit.NANOSECONDS);
            } else {
                client.getResources().eventExecutorGroup().execute(task);
            }
        } catch (RejectedExecutionException shuttingDown) {
            // the client's resources are shutting down: so is this connection
        }
    }

    private void replace(long probed) {
        try {
            client.connectAsync(codec, uri).whenComplete((fresh, failure) -> replaced(probed, fresh, failure));
        } catch (RuntimeException failure) {
            replaced(probed, null, failure);
        }
    }

    /**
     * The new connection opened for silence number {@code probed}, or why none could be opened. It is put in place only
     * if that silence is still being probed: a probe answered meanwhile (or a close) leaves the connection in place
     * and closes the new one.
     */
    private void replaced(long probed, StatefulRedisConnection<K, V> fresh, Throwable failure) {
        StatefulRedisConnection<K, V> silentOne = null;
        boolean stillSilent;
        boolean firstInARow = false;
        long silentForSeconds;
        long nextLimitSeconds = 0;
        int inARowNow = 0;
        synchronized (lock) {
            replacing = false;
            long now = System.nanoTime();
            silentForSeconds = Duration.ofNanos(now - silentSinceNanos).toSeconds();
            stillSilent = !closed && probing && probed == silence;
            if (stillSilent && failure != null) {
                aTryFailed = true;
                replaceFromNanos = now + limit(replacedInARow);
            } else if (stillSilent) {
                silentOne = current;
                current = fresh;
                inPlaceSinceNanos = now;
                probing = false;
                firstInARow = replacedInARow == 0;
                replacedInARow++;
                inARow = true;
                inARowNow = replacedInARow;
                nextLimitSeconds = Duration.ofNanos(limit(replacedInARow)).toSeconds();
            }
        }
        if (failure != null) {
            log.debug("A new Redis connection for {} use could not be opened: {}", owner,
                    RedisBusUnavailable.describe(failure));
        } else if (silentOne == null) {
            fresh.closeAsync();
        } else {
            if (firstInARow) {
                log.warn("The Redis connection for {} use answered no PING in time for {} s: replaced by a new one",
                        owner, silentForSeconds);
            } else {
                log.debug("The Redis connection for {} use answered no PING in time for {} s: replaced by a new one,"
                        + " the {} in a row; the next is replaced after {} s", owner, silentForSeconds, inARowNow,
                        nextLimitSeconds);
            }
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
