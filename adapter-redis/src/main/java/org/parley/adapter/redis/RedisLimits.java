package org.parley.adapter.redis;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.HexFormat;
import java.util.Objects;
import java.util.function.UnaryOperator;

import io.lettuce.core.RedisClient;
import io.lettuce.core.RedisNoScriptException;
import io.lettuce.core.ScriptOutputType;
import io.lettuce.core.api.sync.RedisCommands;
import io.lettuce.core.codec.StringCodec;
import io.lettuce.core.resource.ClientResources;
import org.parley.application.port.out.Admission;
import org.parley.application.port.out.LogInAttempts;
import org.parley.application.port.out.LogInWindow;
import org.parley.application.port.out.SendBudget;
import org.parley.application.port.out.SendRate;
import org.parley.application.port.out.TimeSource;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The limits of contract §16 shared by every node of a deployment, kept in Redis: the send rate per user
 * ({@link #sendBudget}) and failed log-ins per e-mail address ({@link #logInAttempts}). Each decision is one Lua script
 * run atomically by Redis (two nodes taking from one user's budget at the same moment cannot both take its last
 * message); keys expire once they no longer matter (a full bucket, a window that has passed).
 *
 * <p>Keys: {@code <channel>:limits:send:<user id>} (a hash: the bucket's level in millionths of a message and the
 * microsecond it was computed at) and {@code <channel>:limits:login:<SHA-256 of the address, hex>} (a hash: the count
 * and the window's start), so that deployments sharing a Redis never share limits, and no e-mail address is stored.
 * Time is the node's ({@link TimeSource}, passed with each call): nodes keep time with NTP, and a clock a little behind
 * another only refills a bucket a little later.
 *
 * <p><b>When Redis cannot be asked</b> (down, unreachable, slower than {@value #COMMAND_TIMEOUT_MILLIS} ms), each
 * decision is taken by this node's own limiter instead (the {@code whileAway} budget and attempts bootstrap passes: the
 * application's one-node implementations, on the same rate and window), as the connection census falls back to this
 * node's count: refusing every message and log-in while Redis is away would be the outage the limits exist to prevent,
 * and letting everything through would lift them for a flood or a guesser exactly when they matter. So during an outage
 * each node applies the limits on its own (a user spread over n nodes may send up to n times the rate). After a failure
 * Redis is left alone for {@link #ASK_AGAIN_AFTER} (decisions are taken here at once, so a Redis that hangs costs one
 * request the time-out, not every request), then one request at a time asks it again, so the shared limits apply again
 * about a second after it answers (with what Redis held: a Redis that restarted empty starts every bucket full and
 * every window empty). The node says so once per outage, and once when Redis answers again ({@code
 * LimitsWhenRedisIsAwayTest}). A connection that died without a word is replaced once it has answered no {@code PING}
 * in time for 5 s ({@link ReplacedWhenSilent}, {@code SilentConnectionsTest}).
 */
public final class RedisLimits implements AutoCloseable {

    private static final Logger LOG = LoggerFactory.getLogger(RedisLimits.class);
    static final long COMMAND_TIMEOUT_MILLIS = 500;
    /** How long after a failure Redis is left alone (this node decides at once) before one request asks it again. */
    static final Duration ASK_AGAIN_AFTER = Duration.ofSeconds(1);
    /** One message, in the bucket's unit (millionths). */
    private static final long TOKEN = 1_000_000;

    /**
     * KEYS[1]: the bucket. ARGV: now (µs since the epoch), the rate (messages a second), the capacity (millionths).
     * Returns 0 when a message was taken, else the microseconds until one is there. Integer arithmetic only (Lua's
     * numbers are doubles, exact below 2^53: a capacity of 10^12 and a clock in microseconds fit), the same steps as
     * the application's one-node budget.
     */
    static final String SEND_SCRIPT = """
            local now = tonumber(ARGV[1])
            local rate = tonumber(ARGV[2])
            local capacity = tonumber(ARGV[3])
            local token = 1000000
            local level = capacity
            local since = now
            local state = redis.call('HMGET', KEYS[1], 'level', 'since')
            if state[1] and state[2] then
              level = tonumber(state[1])
              since = tonumber(state[2])
              local elapsed = now - since
              if elapsed < 0 then elapsed = 0 end
              local fullAfter = math.floor(capacity / rate) + 1
              if elapsed > fullAfter then elapsed = fullAfter end
              level = math.min(capacity, level + elapsed * rate)
              if now > since then since = now end
            end
            local wait = 0
            if level >= token then
              level = level - token
            else
              wait = math.floor((token - level + rate - 1) / rate)
            end
            redis.call('HSET', KEYS[1], 'level', string.format('%d', level), 'since', string.format('%d', since))
            redis.call('PEXPIRE', KEYS[1], math.floor((capacity - level) / rate / 1000) + 1000)
            return wait
            """;

    /**
     * KEYS[1]: the address's window. ARGV: now (µs since the epoch), the failures allowed, the window (µs). Returns 0
     * when the attempt was counted, else the microseconds until the window has passed (the attempt is not counted).
     */
    static final String LOG_IN_SCRIPT = """
            local now = tonumber(ARGV[1])
            local allowed = tonumber(ARGV[2])
            local window = tonumber(ARGV[3])
            local state = redis.call('HMGET', KEYS[1], 'count', 'start')
            local count = tonumber(state[1]) or 0
            local start = tonumber(state[2]) or now
            if count == 0 or now >= start + window then
              count = 0
              start = now
            end
            if count >= allowed then
              return start + window - now
            end
            redis.call('HSET', KEYS[1], 'count', string.format('%d', count + 1), 'start', string.format('%d', start))
            redis.call('PEXPIRE', KEYS[1], math.floor((start + window - now) / 1000) + 1000)
            return 0
            """;

    /**
     * KEYS[1]: the address's window. ARGV: now (µs since the epoch), the window (µs). Takes one attempt off the count
     * of a window that has not passed; a count that reaches zero (or a window that has passed) is deleted, so the next
     * attempt starts a new window. Returns the count left.
     */
    static final String GIVE_BACK_SCRIPT = """
            local now = tonumber(ARGV[1])
            local window = tonumber(ARGV[2])
            local state = redis.call('HMGET', KEYS[1], 'count', 'start')
            local count = tonumber(state[1]) or 0
            local start = tonumber(state[2]) or now
            if count <= 1 or now >= start + window then
              redis.call('DEL', KEYS[1])
              return 0
            end
            redis.call('HSET', KEYS[1], 'count', string.format('%d', count - 1))
            return count - 1
            """;

    private final String keyPrefix;
    private final ClientResources resources;
    private final RedisClient client;
    private final ReplacedWhenSilent<String, String> connection;
    private final Script send;
    private final Script logIn;
    private final Script logInGiveBack;
    private final LeftAloneAfterFailure redis = new LeftAloneAfterFailure(ASK_AGAIN_AFTER,
            failure -> LOG.warn("Redis cannot be asked for limits ({}): sending and log-ins are limited by this node "
                    + "alone until it answers", RedisBusUnavailable.describe(failure)),
            () -> LOG.info("Redis answers again: sending and log-ins are limited across nodes again"));

    private RedisLimits(RedisBusSettings settings) {
        this.keyPrefix = settings.channel() + ":limits:";
        this.resources = LettuceClients.resources(1);
        Duration commandTimeout = Duration.ofMillis(COMMAND_TIMEOUT_MILLIS);
        this.client = LettuceClients.client(resources, settings, commandTimeout, UnaryOperator.identity());
        ReplacedWhenSilent<String, String> opened;
        try {
            opened = ReplacedWhenSilent.connect(client, StringCodec.UTF8, LettuceClients.uri(settings, commandTimeout),
                    ReplacedWhenSilent.SILENCE_LIMIT, LOG, "the limits'");
        } catch (RuntimeException e) {
            shutDown();
            throw new RedisBusUnavailable("Cannot use Redis at " + settings.shown()
                    + " (PARLEY_REDIS_URL) for limits: " + RedisBusUnavailable.describe(e));
        }
        this.connection = opened;
        this.send = new Script(SEND_SCRIPT);
        this.logIn = new Script(LOG_IN_SCRIPT);
        this.logInGiveBack = new Script(GIVE_BACK_SCRIPT);
    }

    /**
     * Connects to the Redis of {@code settings} (its channel names the deployment's keys).
     *
     * @throws RedisBusUnavailable when Redis cannot be reached within the connect timeout (one line, no secret)
     */
    public static RedisLimits connect(RedisBusSettings settings) {
        return new RedisLimits(Objects.requireNonNull(settings, "settings"));
    }

    /**
     * The send rate per user, shared by every node using this Redis and channel.
     *
     * @param whileAway this node's own budget of the same {@code rate}, which decides while Redis cannot be asked
     */
    public SendBudget sendBudget(SendRate rate, TimeSource time, SendBudget whileAway) {
        Objects.requireNonNull(rate, "rate");
        Objects.requireNonNull(time, "time");
        Objects.requireNonNull(whileAway, "whileAway");
        String capacity = Long.toString((long) rate.burst() * TOKEN);
        String perSecond = Integer.toString(rate.perSecond());
        return sender -> {
            Long wait = run(send, keyPrefix + "send:" + sender, micros(time), perSecond, capacity);
            if (wait == null) {
                return whileAway.take(sender);
            }
            return wait <= 0 ? Admission.grant() : Admission.refuse(Duration.of(wait, ChronoUnit.MICROS));
        };
    }

    /**
     * Failed log-ins per address, shared by every node using this Redis and channel.
     *
     * @param whileAway this node's own attempts of the same {@code window}, which decide while Redis cannot be asked; a
     *                  success clears the address there too, so counts an outage left behind never outlive it
     */
    public LogInAttempts logInAttempts(LogInWindow window, TimeSource time, LogInAttempts whileAway) {
        Objects.requireNonNull(window, "window");
        Objects.requireNonNull(time, "time");
        Objects.requireNonNull(whileAway, "whileAway");
        String allowed = Integer.toString(window.failures());
        String windowMicros = Long.toString(window.window().toNanos() / 1_000);
        return new LogInAttempts() {
            @Override
            public Admission attempt(String address) {
                Long wait = run(logIn, logInKey(address), micros(time), allowed, windowMicros);
                if (wait == null) {
                    return whileAway.attempt(address);
                }
                return wait <= 0 ? Admission.grant() : Admission.refuse(Duration.of(wait, ChronoUnit.MICROS));
            }

            @Override
            public void succeeded(String address) {
                whileAway.succeeded(address);
                redis.ask(() -> connection.call(commands -> commands.del(logInKey(address))));
            }

            @Override
            public void giveBack(String address) {
                if (run(logInGiveBack, logInKey(address), micros(time), windowMicros) == null) {
                    whileAway.giveBack(address);
                }
            }
        };
    }

    private String logInKey(String address) {
        try {
            byte[] digest = MessageDigest.getInstance("SHA-256")
                    .digest(String.valueOf(address).getBytes(StandardCharsets.UTF_8));
            return keyPrefix + "login:" + HexFormat.of().formatHex(digest);
        } catch (NoSuchAlgorithmException impossible) {
            throw new IllegalStateException("Every Java has SHA-256", impossible);
        }
    }

    /**
     * The script's answer, or null when Redis cannot be asked (this node's own limiter decides). Never throws. Once
     * Redis has failed, it is not asked again for {@link #ASK_AGAIN_AFTER}, except by one request at a time after that
     * (the others decide here at once): a Redis that hangs rather than refuses would otherwise hold every send and
     * log-in for the command time-out (issue 13's second review: a frozen Redis spaced one user's messages 0.5 s apart).
     */
    private Long run(Script script, String key, String... arguments) {
        return redis.ask(() -> connection.call(commands -> script.run(commands, key, arguments)));
    }

    private static String micros(TimeSource time) {
        Instant now = time.now();
        return Long.toString(ChronoUnit.MICROS.between(Instant.EPOCH, now));
    }

    @Override
    public void close() {
        try {
            if (connection != null) {
                connection.close();
            }
        } catch (RuntimeException e) {
            LOG.debug("Closing the limits' Redis connection failed: {}", RedisBusUnavailable.describe(e));
        }
        shutDown();
    }

    private void shutDown() {
        LettuceClients.shutDown(client, resources, LOG, "the limits'");
    }

    /** A Lua script run by its digest, sent in full once when Redis does not know it (a restart forgets scripts). */
    private static final class Script {

        private final String source;
        private final String digest;

        Script(String source) {
            this.source = source;
            try {
                this.digest = HexFormat.of().formatHex(MessageDigest.getInstance("SHA-1")
                        .digest(source.getBytes(StandardCharsets.UTF_8)));
            } catch (NoSuchAlgorithmException impossible) {
                throw new IllegalStateException("Every Java has SHA-1", impossible);
            }
        }

        Long run(RedisCommands<String, String> redis, String key, String... arguments) {
            String[] keys = {key};
            try {
                return redis.evalsha(digest, ScriptOutputType.INTEGER, keys, arguments);
            } catch (RedisNoScriptException unknown) {
                return redis.eval(source, ScriptOutputType.INTEGER, keys, arguments);
            }
        }
    }
}
