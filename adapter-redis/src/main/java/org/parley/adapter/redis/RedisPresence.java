package org.parley.adapter.redis;

import java.time.Duration;
import java.util.ArrayList;
import java.util.Collection;
import java.util.HashSet;
import java.util.List;
import java.util.Objects;
import java.util.Set;
import java.util.UUID;
import java.util.function.UnaryOperator;

import io.lettuce.core.RedisClient;
import io.lettuce.core.ScriptOutputType;
import io.lettuce.core.codec.StringCodec;
import io.lettuce.core.resource.ClientResources;

import org.parley.application.port.out.PresenceStore;
import org.parley.application.port.out.TypingThrottle;
import org.parley.domain.user.UserId;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Contract §13 across nodes, in Redis: who is online ({@link #store()}) and the typing throttle
 * ({@link #typingThrottle}).
 *
 * <p><b>Presence.</b> Under {@code <channel>:presence:}:
 * <ul>
 *   <li>{@code nodes}: the set of node ids that hold users;</li>
 *   <li>{@code alive:<node>}: present while the node lives: renewed by its every call, at least every
 *       {@link #MAINTENANCE} (the presence tracker's round), expiring {@link #NODE_TTL} after the last;</li>
 *   <li>{@code node:<node>}: the users the node holds (no expiry: what a crashed node held must outlive it);</li>
 *   <li>{@code user:<user>}: the nodes holding the user.</li>
 * </ul>
 * A user is online while a live node holds them. Each call is one Lua script, atomic in Redis, so two nodes changing
 * one user at once are put in one order, and exactly one of them sees the user come online (no live node held them)
 * or go offline (no live node holds them any more). {@link PresenceStore#maintain} renews the node and buries every
 * node whose {@code alive} key has expired: it takes each of that node's users off it, reports those no live node
 * holds as gone offline, and forgets the node, all in the same script, so only one node ever reports a crashed node's
 * users. A crashed node's users therefore go offline between {@link #NODE_TTL} and {@link #NODE_TTL} +
 * {@link #MAINTENANCE} after its last call. A node that was buried while alive (it could not reach Redis for
 * {@link #NODE_TTL}) writes what it holds again at its next round, and the users that come back are announced online.
 * The scripts touch keys they compute, which a single Redis (or a primary with replicas) allows; a Redis Cluster does
 * not.
 *
 * <p><b>When Redis fails</b> (a call fails or takes longer than {@link #COMMAND_TIMEOUT}): an update reports no change
 * and the next round writes this node's users again (reporting the changes it then finds); the question of who is
 * online answers nobody (everyone shown offline with their {@code last_seen}); one warning per outage, one line when
 * Redis answers again. An announcement whose update failed may be lost; {@code GET /chat/presence/} tells the truth
 * again once Redis answers. A connection that died without a word is replaced once it has answered no {@code PING} in
 * time for 5 s ({@link ReplacedWhenSilent}).
 *
 * <p><b>Typing.</b> A notice that passes this node's own throttle asks Redis for the pair's key
 * ({@code <channel>:typing:<sender>:<receiver>}, {@code SET NX PX 2000}, in a script that otherwise answers the key's
 * {@code PTTL}): the first node to set it forwards, the others drop theirs and hold the pair in their own throttle
 * until the key expires ({@link TypingThrottle#refusedElsewhere}). So repeated notices cost no Redis call (this node
 * drops them, also while another node's window runs), one notice per pair, window and node costs at most one, and
 * the first notice after a window passes whichever node it reaches. While Redis cannot be asked (after a failure it is left alone for a second) this node decides alone.
 */
public final class RedisPresence implements AutoCloseable {

    /** How long a node's {@code alive} key outlives its last call. */
    public static final Duration NODE_TTL = Duration.ofSeconds(15);
    /** How often a node's presence is maintained (its {@code alive} key renewed, stopped nodes buried). */
    public static final Duration MAINTENANCE = Duration.ofSeconds(5);
    static final Duration COMMAND_TIMEOUT = Duration.ofMillis(500);
    static final Duration ASK_AGAIN_AFTER = Duration.ofSeconds(1);

    private static final Logger LOG = LoggerFactory.getLogger(RedisPresence.class);

    /**
     * The typing window of one pair, KEYS[1], ARGV[1] ms long: -1 when this notice opened it, else the milliseconds it
     * still runs (another node opened it), so that the node refused holds the pair in its own throttle until then and
     * asks nothing more meanwhile.
     */
    static final String TYPING = """
            if redis.call('SET', KEYS[1], '1', 'NX', 'PX', ARGV[1]) then
              return -1
            end
            return math.max(redis.call('PTTL', KEYS[1]), 0)
            """;

    /** Helpers every presence script starts with. */
    private static final String HELPERS = """
            local p = ARGV[1]
            local node = ARGV[2]
            local function heldBy(user, except)
              for _, other in ipairs(redis.call('SMEMBERS', p .. 'user:' .. user)) do
                if other ~= except and redis.call('EXISTS', p .. 'alive:' .. other) == 1 then return true end
              end
              return false
            end
            local function hold(user)
              redis.call('SADD', p .. 'user:' .. user, node)
              redis.call('SADD', p .. 'node:' .. node, user)
            end
            local function release(holder, user)
              local was = redis.call('SREM', p .. 'user:' .. user, holder)
              redis.call('SREM', p .. 'node:' .. holder, user)
              if redis.call('SCARD', p .. 'user:' .. user) == 0 then redis.call('DEL', p .. 'user:' .. user) end
              return was
            end
            local lost = redis.call('SADD', p .. 'nodes', node) == 1
            """;

    /**
     * ARGV: prefix, node, ttl ms, number of arrived users, arrived…, left…. Returns {online, offline, lost}: lost is 1
     * when this node was not among the nodes (its first call, or other nodes buried it): its next round writes its
     * users again.
     */
    static final String UPDATE = HELPERS + """
            redis.call('SET', p .. 'alive:' .. node, '1', 'PX', ARGV[3])
            local arrived = tonumber(ARGV[4])
            local online, offline = {}, {}
            for i = 5, 4 + arrived do
              local user = ARGV[i]
              if redis.call('SISMEMBER', p .. 'user:' .. user, node) == 0 then
                if not heldBy(user, node) then table.insert(online, user) end
                hold(user)
              end
            end
            for i = 5 + arrived, #ARGV do
              local user = ARGV[i]
              if release(node, user) == 1 and not heldBy(user, node) then table.insert(offline, user) end
            end
            if lost then return {online, offline, 1} end
            return {online, offline, 0}
            """;

    /**
     * ARGV: prefix, node, ttl ms, '1' to write the held users again (else only when this node was not among the nodes:
     * buried by another), held users….
     * Returns {online, offline}.
     */
    static final String MAINTAIN = HELPERS + """
            redis.call('SET', p .. 'alive:' .. node, '1', 'PX', ARGV[3])
            local online, offline = {}, {}
            if lost or ARGV[4] == '1' then
              local held = {}
              for i = 5, #ARGV do held[ARGV[i]] = true end
              for _, user in ipairs(redis.call('SMEMBERS', p .. 'node:' .. node)) do
                if not held[user] then
                  release(node, user)
                  if not heldBy(user, node) then table.insert(offline, user) end
                end
              end
              for i = 5, #ARGV do
                local user = ARGV[i]
                if redis.call('SISMEMBER', p .. 'user:' .. user, node) == 0 then
                  if not heldBy(user, node) then table.insert(online, user) end
                  hold(user)
                end
              end
            end
            for _, other in ipairs(redis.call('SMEMBERS', p .. 'nodes')) do
              if other ~= node and redis.call('EXISTS', p .. 'alive:' .. other) == 0 then
                for _, user in ipairs(redis.call('SMEMBERS', p .. 'node:' .. other)) do
                  release(other, user)
                  if not heldBy(user, nil) then table.insert(offline, user) end
                end
                redis.call('DEL', p .. 'node:' .. other)
                redis.call('SREM', p .. 'nodes', other)
              end
            end
            return {online, offline}
            """;

    /** ARGV: prefix, node (unused), users…. Returns those online. */
    static final String ONLINE = """
            local p = ARGV[1]
            local online = {}
            for i = 3, #ARGV do
              for _, holder in ipairs(redis.call('SMEMBERS', p .. 'user:' .. ARGV[i])) do
                if redis.call('EXISTS', p .. 'alive:' .. holder) == 1 then
                  table.insert(online, ARGV[i])
                  break
                end
              end
            end
            return online
            """;

    /**
     * ARGV: prefix, node. This node stops: it is no longer alive. Its users were let go by the tracker first; if it
     * still holds some (the tracker's last update failed), its entry stays for the next live node to bury, as a crashed
     * node's, which announces them offline and removes them; else its entry goes. Returns the number of users still
     * held.
     */
    static final String LEAVE = """
            local p = ARGV[1]
            local node = ARGV[2]
            redis.call('DEL', p .. 'alive:' .. node)
            local held = redis.call('SCARD', p .. 'node:' .. node)
            if held == 0 then redis.call('SREM', p .. 'nodes', node) end
            return held
            """;

    private final String node = UUID.randomUUID().toString().substring(0, 13);
    private final RedisBusSettings settings;
    private final String prefix;
    private final String typingPrefix;
    private final Duration nodeTtl;
    private final Duration maintenance;
    private final ClientResources resources;
    private final RedisClient client;
    private final ReplacedWhenSilent<String, String> connection;
    /**
     * Redis as the requests (a typing notice, a question of who is online) and the tracker's thread ask it: after a
     * failure it is left alone for {@link #ASK_AGAIN_AFTER}, then asked again by one request at a time.
     */
    private final LeftAloneAfterFailure redis;
    /** Whether this node's users must be written again at the next round (an update failed). */
    private volatile boolean resync;

    private RedisPresence(RedisBusSettings settings, Duration nodeTtl, Duration maintenance) {
        this.settings = settings;
        this.prefix = settings.channel() + ":presence:";
        this.typingPrefix = settings.channel() + ":typing:";
        this.nodeTtl = nodeTtl;
        this.maintenance = maintenance;
        this.redis = new LeftAloneAfterFailure(ASK_AGAIN_AFTER,
                failure -> LOG.warn("Presence and typing cannot use Redis at {} ({}): presence changes wait, typing is "
                        + "throttled by this node alone, until it answers", settings.shown(),
                        RedisBusUnavailable.describe(failure)),
                () -> LOG.info("Presence and typing use Redis again (Redis at {} answers)", settings.shown()));
        this.resources = LettuceClients.resources(1);
        this.client = LettuceClients.client(resources, settings, COMMAND_TIMEOUT, UnaryOperator.identity());
        ReplacedWhenSilent<String, String> opened;
        try {
            opened = ReplacedWhenSilent.connect(client, StringCodec.UTF8, LettuceClients.uri(settings, COMMAND_TIMEOUT),
                    ReplacedWhenSilent.SILENCE_LIMIT, LOG, "presence's");
        } catch (RuntimeException e) {
            LettuceClients.shutDown(client, resources, LOG, "presence's");
            throw new RedisBusUnavailable("Cannot use Redis at " + settings.shown()
                    + " (PARLEY_REDIS_URL) for presence: " + RedisBusUnavailable.describe(e));
        }
        this.connection = opened;
    }

    /**
     * Connects to Redis.
     *
     * @throws RedisBusUnavailable when Redis cannot be reached within the connect timeout (one line, no secret)
     */
    public static RedisPresence connect(RedisBusSettings settings) {
        return connect(settings, NODE_TTL, MAINTENANCE);
    }

    /** With another lifetime and round (tests: a crashed node's users go offline within a second). */
    static RedisPresence connect(RedisBusSettings settings, Duration nodeTtl, Duration maintenance) {
        return new RedisPresence(Objects.requireNonNull(settings, "settings"), nodeTtl, maintenance);
    }

    /** Who is online, on every node together. */
    public PresenceStore store() {
        return new Store();
    }

    /**
     * The typing throttle of every node together.
     *
     * @param here this node's own throttle: asked first (what it drops never reaches Redis), and alone while Redis
     *             cannot be asked
     */
    public TypingThrottle typingThrottle(TypingThrottle here) {
        Objects.requireNonNull(here, "here");
        String window = Long.toString(TypingThrottle.WINDOW_MILLIS);
        return (sender, receiver) -> {
            if (!here.tryPass(sender, receiver)) {
                return false;
            }
            Long left = redis.ask(() -> connection.call(commands -> commands.eval(TYPING, ScriptOutputType.INTEGER,
                    new String[] {typingPrefix + sender + ":" + receiver}, window)));
            if (left == null || left < 0) {
                return true;
            }
            here.refusedElsewhere(sender, receiver, Duration.ofMillis(left));
            return false;
        };
    }

    /** This node's id in Redis. */
    String node() {
        return node;
    }

    /** Stops the client as a crashed node would, leaving everything in Redis (tests). */
    void crash() {
        LettuceClients.shutDown(client, resources, LOG, "presence's");
    }

    /**
     * Takes this node's entry out of Redis (its users were let go by the tracker before; those it still holds are left
     * for the next live node to bury and announce offline) and disconnects.
     */
    @Override
    public void close() {
        try {
            Long held = connection.call(commands -> commands.eval(LEAVE, ScriptOutputType.INTEGER, new String[0],
                    prefix, node));
            if (held != null && held > 0) {
                LOG.info("This node stops holding {} user(s) it could not let go: the next live node announces them "
                        + "offline", held);
            }
        } catch (RuntimeException e) {
            LOG.debug("This node's presence entry could not be removed: {}", RedisBusUnavailable.describe(e));
        }
        try {
            connection.close();
        } catch (RuntimeException e) {
            LOG.debug("Closing presence's Redis connection failed: {}", RedisBusUnavailable.describe(e));
        }
        LettuceClients.shutDown(client, resources, LOG, "presence's");
    }

    private PresenceStore.Transitions transitions(String script, List<String> arguments) {
        List<Object> answer = connection.call(commands -> commands.eval(script, ScriptOutputType.MULTI,
                new String[0], arguments.toArray(String[]::new)));
        return new PresenceStore.Transitions(users(answer.get(0)), users(answer.get(1)));
    }

    private static Set<UserId> users(Object list) {
        Set<UserId> users = new HashSet<>();
        if (list instanceof List<?> items) {
            for (Object item : items) {
                users.add(UserId.parse(String.valueOf(item)));
            }
        }
        return users;
    }

    private List<String> arguments(String flag) {
        List<String> arguments = new ArrayList<>();
        arguments.add(prefix);
        arguments.add(node);
        arguments.add(Long.toString(nodeTtl.toMillis()));
        arguments.add(flag);
        return arguments;
    }

    /** The {@link PresenceStore} of this node in Redis. Called by the presence tracker's one thread. */
    private final class Store implements PresenceStore {

        @Override
        public Transitions update(Set<UserId> arrived, Set<UserId> left) {
            List<String> arguments = arguments(Integer.toString(arrived.size()));
            arrived.forEach(user -> arguments.add(user.toString()));
            left.forEach(user -> arguments.add(user.toString()));
            try {
                List<Object> answer = connection.call(commands -> commands.eval(UPDATE, ScriptOutputType.MULTI,
                        new String[0], arguments.toArray(String[]::new)));
                if (answer.size() > 2 && Long.valueOf(1).equals(answer.get(2))) {
                    resync = true;
                }
                Transitions transitions = new Transitions(users(answer.get(0)), users(answer.get(1)));
                redis.answered();
                return transitions;
            } catch (RuntimeException failure) {
                resync = true;
                redis.failed(failure);
                return Transitions.none();
            }
        }

        @Override
        public Transitions maintain(Set<UserId> heldHere) {
            boolean writeAgain = resync;
            List<String> arguments = arguments(writeAgain ? "1" : "0");
            heldHere.forEach(user -> arguments.add(user.toString()));
            try {
                Transitions transitions = transitions(MAINTAIN, arguments);
                if (writeAgain) {
                    resync = false;
                }
                redis.answered();
                return transitions;
            } catch (RuntimeException failure) {
                resync = true;
                redis.failed(failure);
                return Transitions.none();
            }
        }

        @Override
        public Set<UserId> online(Collection<UserId> users) {
            if (users.isEmpty()) {
                return Set.of();
            }
            List<String> arguments = new ArrayList<>();
            arguments.add(prefix);
            arguments.add(node);
            users.forEach(user -> arguments.add(user.toString()));
            // On request threads (GET /chat/presence/, a webhook's receiver_online): no wait for a Redis that hangs.
            List<Object> online = redis.ask(() -> connection.call(commands -> commands.eval(ONLINE,
                    ScriptOutputType.MULTI, new String[0], arguments.toArray(String[]::new))));
            return online == null ? Set.of() : users(online);
        }

        @Override
        public Duration maintenanceInterval() {
            return maintenance;
        }
    }
}
