package org.parley.adapter.redis;

import java.time.Duration;
import java.util.function.UnaryOperator;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.locks.ReadWriteLock;
import java.util.concurrent.locks.ReentrantReadWriteLock;

import io.lettuce.core.RedisClient;
import io.lettuce.core.ScriptOutputType;
import io.lettuce.core.api.sync.RedisCommands;
import io.lettuce.core.codec.StringCodec;
import io.lettuce.core.resource.ClientResources;

import org.parley.application.port.out.ConnectionCensus;
import org.parley.domain.user.UserId;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The open websockets of each user on every node together (contract §16 and §18: {@code PARLEY_MAX_CONNECTIONS_PER_USER}
 * holds across nodes), in Redis.
 *
 * <p><b>In Redis</b>, under the deployment's channel name {@code <channel>}:
 * <ul>
 *   <li>{@code <channel>:connections:node:<node>}: a hash per node, user id → that node's open connections of the
 *       user. It expires {@link #NODE_TTL} after the node last wrote it: the node rewrites it whole from its own counts
 *       every {@link #HEARTBEAT} (so a count that a failed call left wrong is repaired), and a node that crashed stops
 *       doing so, so its users' connections stop being counted within {@link #NODE_TTL};</li>
 *   <li>{@code <channel>:connections:nodes}: the set of node ids whose hashes to add up (a node whose hash has expired
 *       is dropped from it by the next handshake that reads it). Every write renews its lifetime to {@link #NODE_TTL},
 *       a node leaves it when it stops, so once every node has stopped or crashed no key is left behind.</li>
 * </ul>
 * A handshake runs one Lua script, atomic in Redis: it adds up the user's counts on every live node and, below the
 * limit, counts the new connection on this node; so concurrent handshakes on several nodes never pass the limit
 * together. Closing a connection decrements this node's count. The scripts touch keys they compute from the node set,
 * which a single Redis (or a primary with replicas) allows; a Redis Cluster does not.
 *
 * <p><b>When Redis fails</b> (a call fails or takes longer than {@link #COMMAND_TIMEOUT}), a handshake is decided on
 * this node's own count against the same limit, so a Redis outage neither refuses every user nor lifts the limit on a
 * node; the first failure is logged once, and the recovery once. From that failure on, neither handshakes nor releases
 * ask Redis, until a heartbeat finds it answering a {@code PING} again (within {@link #HEARTBEAT}): a Redis that hangs
 * rather than refuses (frozen, or a connection that died without a word) would otherwise hold every handshake for the
 * time-out, as issue 13's second review found for the send limits; a connection that died without a word is replaced
 * once it has answered no {@code PING} in time for 5 s ({@link ReplacedWhenSilent}). A connection's release reaches
 * Redis at once (a crashed client's place is free for its reconnection within milliseconds: {@code
 * CrashedClientsEndToEndTest}); a heartbeat that raced a change writes the counts again. The next heartbeat that
 * reaches Redis writes this node's counts again. Between heartbeats a count may be off by the handshakes racing a
 * rewrite (they are repaired by the next one).
 */
public final class RedisConnectionCensus implements ConnectionCensus, AutoCloseable {

    /** How long a node's counts outlive its last heartbeat. */
    public static final Duration NODE_TTL = Duration.ofSeconds(15);
    /** How often each node rewrites its counts and renews their lifetime. */
    public static final Duration HEARTBEAT = Duration.ofSeconds(5);
    static final Duration COMMAND_TIMEOUT = Duration.ofSeconds(1);
    /** How long {@link #close} waits for a heartbeat under way: one command's time-out, and a little. */
    private static final Duration LONGEST_HEARTBEAT_WAIT = COMMAND_TIMEOUT.plusMillis(250);

    private static final Logger LOG = LoggerFactory.getLogger(RedisConnectionCensus.class);

    /** KEYS: nodes set, this node's hash. ARGV: node, user, max, ttl ms, hash prefix. 1: counted, 0: at the limit. */
    static final String OPEN = """
            redis.call('SADD', KEYS[1], ARGV[1])
            redis.call('PEXPIRE', KEYS[1], ARGV[4])
            local total = 0
            for _, node in ipairs(redis.call('SMEMBERS', KEYS[1])) do
              local key = ARGV[5] .. node
              if node == ARGV[1] or redis.call('EXISTS', key) == 1 then
                local count = redis.call('HGET', key, ARGV[2])
                if count then total = total + tonumber(count) end
              else
                redis.call('SREM', KEYS[1], node)
              end
            end
            if total >= tonumber(ARGV[3]) then return 0 end
            redis.call('HINCRBY', KEYS[2], ARGV[2], 1)
            redis.call('PEXPIRE', KEYS[2], ARGV[4])
            return 1
            """;
    /** KEYS: this node's hash. ARGV: user. */
    static final String CLOSE = """
            local count = redis.call('HINCRBY', KEYS[1], ARGV[1], -1)
            if count <= 0 then redis.call('HDEL', KEYS[1], ARGV[1]) end
            return count
            """;
    /** KEYS: nodes set, this node's hash. ARGV: node, ttl ms, then user and count pairs. */
    static final String HEARTBEAT_SCRIPT = """
            redis.call('DEL', KEYS[2])
            for i = 3, #ARGV, 2 do redis.call('HSET', KEYS[2], ARGV[i], ARGV[i + 1]) end
            if #ARGV > 2 then redis.call('PEXPIRE', KEYS[2], ARGV[2]) end
            redis.call('SADD', KEYS[1], ARGV[1])
            redis.call('PEXPIRE', KEYS[1], ARGV[2])
            return 1
            """;
    /** KEYS: nodes set, this node's hash. ARGV: node. This node stops: its counts and its entry go. */
    static final String LEAVE = """
            redis.call('DEL', KEYS[2])
            redis.call('SREM', KEYS[1], ARGV[1])
            return 1
            """;

    private final String node = UUID.randomUUID().toString().substring(0, 13);
    private final RedisBusSettings settings;
    private final int maxPerUser;
    private final Duration nodeTtl;
    private final String nodesKey;
    private final String hashPrefix;
    private final String ownHash;
    private final Map<UserId, Integer> local = new ConcurrentHashMap<>();
    /** Shared by handshakes and releases (each changes {@link #local} and Redis together), exclusive for a heartbeat. */
    private final ReadWriteLock counting = new ReentrantReadWriteLock();
    private final AtomicBoolean redisDown = new AtomicBoolean();
    /**
     * How many times this node's counts were written to Redis whole (under the write lock; read under the read lock):
     * a lease opened while this node counted alone is in Redis once a rewrite followed its opening, which included it.
     */
    private volatile long rewrites;
    private final ClientResources resources;
    private final RedisClient client;
    private final ScheduledExecutorService heartbeat;
    private volatile ReplacedWhenSilent<String, String> connection;

    private RedisConnectionCensus(RedisBusSettings settings, int maxPerUser, Duration nodeTtl) {
        this.settings = settings;
        this.maxPerUser = maxPerUser;
        this.nodeTtl = nodeTtl;
        String prefix = settings.channel() + ":connections:";
        this.nodesKey = prefix + "nodes";
        this.hashPrefix = prefix + "node:";
        this.ownHash = hashPrefix + node;
        this.resources = LettuceClients.resources(1);
        this.client = LettuceClients.client(resources, settings, COMMAND_TIMEOUT, UnaryOperator.identity());
        this.heartbeat = Executors.newSingleThreadScheduledExecutor(runnable -> {
            Thread thread = new Thread(runnable, "parley-connection-census");
            thread.setDaemon(true);
            return thread;
        });
    }

    /**
     * Connects to Redis and starts the heartbeat.
     *
     * @param maxPerUser the most connections one user may have open on every node together; positive (no limit: do
     *                   not count at all)
     * @throws RedisBusUnavailable when Redis cannot be reached within the connect timeout (one line, no secret)
     */
    public static RedisConnectionCensus connect(RedisBusSettings settings, int maxPerUser) {
        return connect(settings, maxPerUser, NODE_TTL, HEARTBEAT);
    }

    /** With another lifetime and heartbeat (tests: a crashed node's counts expire within a second). */
    static RedisConnectionCensus connect(RedisBusSettings settings, int maxPerUser, Duration nodeTtl,
                                         Duration heartbeatPeriod) {
        Objects.requireNonNull(settings, "settings");
        if (maxPerUser < 1) {
            throw new IllegalArgumentException("maxPerUser must be positive, got " + maxPerUser);
        }
        RedisConnectionCensus census = new RedisConnectionCensus(settings, maxPerUser, nodeTtl);
        try {
            census.connection = ReplacedWhenSilent.connect(census.client, StringCodec.UTF8,
                    LettuceClients.uri(settings, COMMAND_TIMEOUT), ReplacedWhenSilent.SILENCE_LIMIT, LOG,
                    "the census's");
            census.beat();
        } catch (RuntimeException e) {
            census.close();
            throw new RedisBusUnavailable("Cannot use Redis at " + settings.shown() + " (PARLEY_REDIS_URL): "
                    + RedisBusUnavailable.describe(e));
        }
        long period = heartbeatPeriod.toMillis();
        census.heartbeat.scheduleWithFixedDelay(census::heartbeatQuietly, period, period, TimeUnit.MILLISECONDS);
        return census;
    }

    @Override
    public Optional<Lease> tryOpen(UserId user) {
        counting.readLock().lock();
        try {
            return open(user);
        } finally {
            counting.readLock().unlock();
        }
    }

    private Optional<Lease> open(UserId user) {
        if (redisDown.get()) {
            // Redis is left alone until a heartbeat finds it again: one that hangs would hold every handshake for
            // the command time-out.
            return countHere(user);
        }
        Long counted;
        try {
            counted = connection.call(commands -> commands.eval(OPEN, ScriptOutputType.INTEGER,
                    new String[] {nodesKey, ownHash}, node, user.toString(), Integer.toString(maxPerUser),
                    Long.toString(nodeTtl.toMillis()), hashPrefix));
        } catch (RuntimeException failure) {
            redisFailed(failure);
            return countHere(user);
        }
        redisAnswered();
        if (counted == null || counted == 0) {
            return Optional.empty();
        }
        local.merge(user, 1, Integer::sum);
        return Optional.of(new CountedConnection(user, true, rewrites));
    }

    /** A handshake decided on this node's own count against the limit, Redis not asked. */
    private Optional<Lease> countHere(UserId user) {
        boolean[] room = new boolean[1];
        local.compute(user, (id, count) -> {
            int now = count == null ? 0 : count;
            if (now >= maxPerUser) {
                return count;
            }
            room[0] = true;
            return now + 1;
        });
        return room[0] ? Optional.of(new CountedConnection(user, false, rewrites)) : Optional.empty();
    }

    /** This node's open connections of {@code user}, as it counts them itself. */
    public int openHere(UserId user) {
        return local.getOrDefault(user, 0);
    }

    /** This node's id in Redis. */
    public String node() {
        return node;
    }

    /** Stops the heartbeat and the client as a crashed node would, leaving its counts in Redis to expire (tests). */
    void crash() {
        heartbeat.shutdownNow();
        LettuceClients.shutDown(client, resources, LOG, "the census's");
    }

    /**
     * Stops the heartbeat and lets this node's counts and its entry in the node set go at once (they would expire).
     * A heartbeat under way is let finish first, not interrupted: its command could otherwise reach Redis after the
     * leave and write the node's counts back until they expired, and an interrupted command logged a failing Redis as
     * the node stopped. A heartbeat that has not finished within {@link #LONGEST_HEARTBEAT_WAIT} means a Redis too
     * slow to leave: the node's keys are then left to expire, as they are when Redis has failed, so that stopping
     * never waits for Redis much longer than one command's time-out. An interrupt of the calling thread cuts neither
     * the wait nor the leave short; it is set again on return.
     */
    @Override
    public void close() {
        boolean interrupted = Thread.interrupted();
        heartbeat.shutdown();
        boolean heartbeatEnded;
        long deadline = System.nanoTime() + LONGEST_HEARTBEAT_WAIT.toNanos();
        for (;;) {
            try {
                heartbeatEnded = heartbeat.awaitTermination(deadline - System.nanoTime(), TimeUnit.NANOSECONDS);
                break;
            } catch (InterruptedException e) {
                interrupted = true;
            }
        }
        if (!heartbeatEnded) {
            heartbeat.shutdownNow();
        }
        ReplacedWhenSilent<String, String> open = connection;
        if (open != null && heartbeatEnded && !redisDown.get()) {
            try {
                open.call(commands -> commands.eval(LEAVE, ScriptOutputType.INTEGER, new String[] {nodesKey, ownHash},
                        node));
            } catch (RuntimeException e) {
                LOG.debug("This node's connection counts could not be removed: {}", RedisBusUnavailable.describe(e));
            }
        }
        LettuceClients.shutDown(client, resources, LOG, "the census's");
        if (interrupted) {
            Thread.currentThread().interrupt();
        }
    }

    /** Rewrites this node's counts whole and renews their lifetime, with no handshake or release in between. */
    void beat() {
        counting.writeLock().lock();
        try {
            writeCounts();
        } finally {
            counting.writeLock().unlock();
        }
    }

    private void writeCounts() {
        List<String> args = new ArrayList<>();
        args.add(node);
        args.add(Long.toString(nodeTtl.toMillis()));
        local.forEach((user, count) -> {
            if (count > 0) {
                args.add(user.toString());
                args.add(Integer.toString(count));
            }
        });
        connection.call(commands -> commands.eval(HEARTBEAT_SCRIPT, ScriptOutputType.INTEGER,
                new String[] {nodesKey, ownHash}, args.toArray(String[]::new)));
        rewrites++; // under the write lock: the only writer
    }

    /**
     * The heartbeat's round. While Redis fails, it asks Redis a {@code PING} first, out of the lock: a Redis that hangs
     * (frozen, or a connection that died without a word) would otherwise hold the lock, and every handshake and
     * release waiting for it, for the command time-out each round. Only once Redis answers are the counts written
     * again (then handshakes and releases ask Redis again: {@link #writeCountsAndCountAcrossNodesAgain}).
     */
    private void heartbeatQuietly() {
        try {
            if (!writeCountsUnlessRedisFails()) {
                connection.call(RedisCommands::ping);
                writeCountsAndCountAcrossNodesAgain();
            }
        } catch (Throwable failure) {
            redisFailed(failure);
        }
    }

    /**
     * Under the lock: rewrites this node's counts and asks Redis again from the next handshake on, with no handshake
     * in between (one would count on this node alone and be missing from Redis).
     */
    private void writeCountsAndCountAcrossNodesAgain() {
        boolean wasDown;
        counting.writeLock().lock();
        try {
            writeCounts();
            wasDown = redisDown.getAndSet(false);
        } finally {
            counting.writeLock().unlock();
        }
        if (wasDown) {
            LOG.info("Connections per user are counted across nodes again (Redis at {} answers)", settings.shown());
        }
    }

    /**
     * Under the lock, as {@link #beat}: rewrites this node's counts, unless Redis has failed (read under the lock: a
     * handshake may have found it failing while this waited for the lock); then asks it nothing and returns false.
     */
    private boolean writeCountsUnlessRedisFails() {
        counting.writeLock().lock();
        try {
            if (redisDown.get()) {
                return false;
            }
            writeCounts();
            return true;
        } finally {
            counting.writeLock().unlock();
        }
    }

    /** Whether this node counts on its own now, Redis having failed (tests). */
    boolean countsAlone() {
        return redisDown.get();
    }

    private void release(UserId user, boolean countedInRedis, long rewritesAtOpen) {
        counting.readLock().lock();
        try {
            releaseCounted(user, countedInRedis || rewrites != rewritesAtOpen);
        } finally {
            counting.readLock().unlock();
        }
    }

    /**
     * @param inRedis whether Redis counts this connection: counted by its handshake there, or opened while this node
     *                counted alone and written since by a rewrite of its counts
     */
    private void releaseCounted(UserId user, boolean inRedis) {
        local.computeIfPresent(user, (id, count) -> count <= 1 ? null : count - 1);
        if (!inRedis || redisDown.get()) {
            return; // while Redis fails, the heartbeat that finds it again writes the right count
        }
        try {
            connection.call(commands -> commands.eval(CLOSE, ScriptOutputType.INTEGER, new String[] {ownHash},
                    user.toString()));
            redisAnswered();
        } catch (RuntimeException failure) {
            // The next heartbeat that reaches Redis writes the right count.
            redisFailed(failure);
        }
    }

    private void redisFailed(Throwable failure) {
        if (redisDown.compareAndSet(false, true)) {
            LOG.warn("Connections per user are counted on this node alone until Redis at {} answers again: {}",
                    settings.shown(), RedisBusUnavailable.describe(failure));
        }
    }

    private void redisAnswered() {
        if (redisDown.compareAndSet(true, false)) {
            LOG.info("Connections per user are counted across nodes again (Redis at {} answers)", settings.shown());
            try {
                heartbeat.execute(this::heartbeatQuietly);
            } catch (RuntimeException stopped) {
                // Closing: nothing more to write.
            }
        }
    }

    /** One connection, counted on this node and (unless Redis failed at its handshake) in Redis. */
    private final class CountedConnection implements Lease {
        private final UserId user;
        private final boolean countedInRedis;
        private final long rewritesAtOpen;
        private final AtomicBoolean released = new AtomicBoolean();

        CountedConnection(UserId user, boolean countedInRedis, long rewritesAtOpen) {
            this.user = user;
            this.countedInRedis = countedInRedis;
            this.rewritesAtOpen = rewritesAtOpen;
        }

        @Override
        public void release() {
            if (released.compareAndSet(false, true)) {
                try {
                    RedisConnectionCensus.this.release(user, countedInRedis, rewritesAtOpen);
                } catch (Throwable e) {
                    LOG.warn("The connection count of user {} could not be released: {}", user,
                            RedisBusUnavailable.describe(e));
                }
            }
        }
    }
}
