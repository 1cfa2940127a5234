package org.parley.adapter.redis;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.UnaryOperator;

import ch.qos.logback.classic.Level;
import ch.qos.logback.classic.Logger;
import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.core.read.ListAppender;
import io.lettuce.core.RedisClient;
import io.lettuce.core.RedisCommandTimeoutException;
import io.lettuce.core.RedisException;
import io.lettuce.core.ScriptOutputType;
import io.lettuce.core.api.StatefulRedisConnection;
import io.lettuce.core.api.sync.RedisCommands;
import io.lettuce.core.codec.StringCodec;
import io.lettuce.core.output.StatusOutput;
import io.lettuce.core.protocol.CommandArgs;
import io.lettuce.core.protocol.CommandType;
import io.lettuce.core.resource.ClientResources;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.parley.adapter.redis.testing.RedisForTests;
import org.parley.adapter.redis.testing.RedisServer;
import org.parley.adapter.redis.testing.SilentProxy;
import org.parley.application.cluster.LocalSendBudget;
import org.parley.application.port.out.Admission;
import org.parley.application.port.out.ConnectionCensus;
import org.parley.application.port.out.PresenceStore;
import org.parley.application.port.out.SendBudget;
import org.parley.application.port.out.SendRate;
import org.parley.application.testing.ManualTimeSource;
import org.parley.domain.user.UserId;
import org.slf4j.LoggerFactory;

/**
 * The Redis connections of the limits, presence and the connection census that die without a word (the other end
 * gone: a NAT or firewall that forgot them, a proxy whose far side went away; {@link SilentProxy} acknowledges and
 * drops, so TCP never gives up) are replaced ({@link ReplacedWhenSilent}): each decides across nodes again within
 * seconds. Before, each decided on its node alone until TCP gave up on the connection (about 15 minutes on Linux), or
 * for ever behind such a proxy. A Redis that is only slow keeps its connection. Against a Redis of the test's own.
 */
class SilentConnectionsTest {

    private static final Duration WAIT = Duration.ofSeconds(25);
    /** A {@code PING} as Lettuce sends it. */
    private static final String PING = "*1\r\n$4\r\nPING\r\n";

    private final RedisServer redis = RedisServer.start();
    private final SilentProxy proxy = SilentProxy.to(redis.port());
    private final String channel = RedisForTests.uniqueChannel();
    private final ListAppender<ILoggingEvent> log = new ListAppender<>();
    private final List<AutoCloseable> opened = new ArrayList<>();

    SilentConnectionsTest() {
        log.start();
        for (Class<?> owner : List.of(SilentConnectionsTest.class, RedisLimits.class, RedisPresence.class,
                RedisConnectionCensus.class)) {
            ((Logger) LoggerFactory.getLogger(owner)).addAppender(log);
        }
    }

    @AfterEach
    void stop() throws Exception {
        for (AutoCloseable closeable : opened) {
            closeable.close();
        }
        for (Class<?> owner : List.of(SilentConnectionsTest.class, RedisLimits.class, RedisPresence.class,
                RedisConnectionCensus.class)) {
            ((Logger) LoggerFactory.getLogger(owner)).detachAppender(log);
        }
        proxy.close();
        redis.close();
    }

    @Test
    void aConnectionThatAnswersNothingIsReplacedOnceItHasBeenSilentForTheLimit() {
        Duration timeout = Duration.ofMillis(200);
        Duration limit = Duration.ofSeconds(1);
        ReplacedWhenSilent<String, String> connection = connectThroughTheProxy(timeout, limit);
        assertThat(ping(connection)).isEqualTo("PONG");
        int made = proxy.connectionsMade();

        proxy.silenceEstablished();
        long silenced = System.nanoTime();
        int timeouts = 0;
        String answer = null;
        while (answer == null) {
            assertThat(System.nanoTime() - silenced).as("answered again within %s", WAIT).isLessThan(WAIT.toNanos());
            try {
                answer = ping(connection);
            } catch (RedisCommandTimeoutException timedOut) {
                timeouts++;
            } catch (RedisException closedUnderTheCommand) {
                // the silent connection closed while the command waited on it
            }
        }
        Duration answeredAfter = Duration.ofNanos(System.nanoTime() - silenced);

        assertThat(answer).isEqualTo("PONG");
        assertThat(timeouts).as("time-outs until the silence had lasted the limit").isGreaterThanOrEqualTo(4);
        assertThat(answeredAfter).as("not replaced before the limit").isGreaterThanOrEqualTo(limit.minus(timeout));
        assertThat(proxy.connectionsMade()).as("one new connection").isEqualTo(made + 1);
        assertThat(warnings()).containsExactly(
                "The Redis connection for the test's use answered no PING in time for 1 s: replaced by a new one");
    }

    @Test
    void aRedisSlowForLessThanTheLimitKeepsItsConnection() throws Exception {
        Duration timeout = Duration.ofMillis(200);
        ReplacedWhenSilent<String, String> connection = connectThroughTheProxy(timeout, Duration.ofSeconds(3));
        assertThat(ping(connection)).isEqualTo("PONG");
        int made = proxy.connectionsMade();

        pauseRedis(1_000);
        int timeouts = 0;
        long paused = System.nanoTime();
        while (System.nanoTime() - paused < Duration.ofMillis(1_500).toNanos()) {
            try {
                ping(connection);
            } catch (RedisCommandTimeoutException timedOut) {
                timeouts++;
            }
        }

        assertThat(timeouts).as("the pause made commands time out").isGreaterThanOrEqualTo(3);
        assertThat(ping(connection)).isEqualTo("PONG");
        assertThat(proxy.connectionsMade()).as("no new connection").isEqualTo(made);
        assertThat(warnings()).isEmpty();
    }

    /**
     * Stalls shorter than the limit, each followed by more idle time than the limit, are separate stalls, not one long
     * silence (a hostile review: judged by the caller's time-outs alone, the second stall replaced the connection).
     */
    @Test
    void stallsShorterThanTheLimitKeepTheConnectionHoweverFarApart() {
        Duration timeout = Duration.ofMillis(200);
        ReplacedWhenSilent<String, String> connection = connectThroughTheProxy(timeout, Duration.ofSeconds(2));
        assertThat(ping(connection)).isEqualTo("PONG");
        int made = proxy.connectionsMade();

        int timeouts = 0;
        for (int stall = 0; stall < 3; stall++) {
            pauseRedis(700);
            try {
                ping(connection);
            } catch (RedisCommandTimeoutException timedOut) {
                timeouts++;
            }
            sleep(Duration.ofMillis(2_600));
        }

        assertThat(timeouts).as("each stall made a command time out").isEqualTo(3);
        assertThat(ping(connection)).isEqualTo("PONG");
        assertThat(proxy.connectionsMade()).as("no new connection").isEqualTo(made);
        assertThat(warnings()).isEmpty();
    }

    /**
     * A script slower than the command time-out makes its caller time out, yet Redis answers: the probe behind it is
     * answered in time, so the connection stays (a hostile review: judged by the caller's time-outs alone, presence's
     * connection would be replaced every 10 s once its scripts took longer than 0.5 s).
     */
    @Test
    void aScriptSlowerThanTheTimeoutKeepsTheConnection() {
        Duration timeout = Duration.ofMillis(200);
        ReplacedWhenSilent<String, String> connection = connectThroughTheProxy(timeout, Duration.ofSeconds(1));
        int made = proxy.connectionsMade();
        String slowScript = "local t = redis.call('TIME') local start = t[1] * 1000000 + t[2] "
                + "repeat t = redis.call('TIME') until t[1] * 1000000 + t[2] - start > 300000 return 1";

        int timeouts = 0;
        for (int call = 0; call < 5; call++) {
            try {
                connection.call(commands -> commands.<Long>eval(slowScript, ScriptOutputType.INTEGER));
            } catch (RedisCommandTimeoutException timedOut) {
                timeouts++;
            }
            sleep(Duration.ofMillis(800));
        }

        assertThat(timeouts).as("every call timed out").isEqualTo(5);
        assertThat(ping(connection)).isEqualTo("PONG");
        assertThat(proxy.connectionsMade()).as("no new connection").isEqualTo(made);
        assertThat(warnings()).isEmpty();
    }

    @Test
    void aReplacementThatCannotConnectIsTriedAgainOneLimitLaterWithoutAWarning() {
        Duration timeout = Duration.ofMillis(200);
        ReplacedWhenSilent<String, String> connection = connectThroughTheProxy(timeout, Duration.ofSeconds(1));
        assertThat(ping(connection)).isEqualTo("PONG");
        int made = proxy.connectionsMade();

        proxy.silenceAll();
        long silenced = System.nanoTime();
        int answers = 0;
        while (System.nanoTime() - silenced < Duration.ofMillis(4_500).toNanos()) {
            try {
                ping(connection);
                answers++;
            } catch (RedisException timedOutOrClosed) {
                // every command fails: no connection made now carries anything
            }
        }

        assertThat(answers).isZero();
        assertThat(proxy.connectionsMade() - made).as("tries, each one limit after the last failed")
                .isBetween(2, 4);
        assertThat(warnings()).isEmpty();
    }

    /**
     * After a replacement that failed, the silent connection is probed once per limit, when the next try is due, not
     * back to back (a hostile review: two probes a second piled up in a dead connection for as long as Redis could not
     * be reached).
     */
    @Test
    void afterAFailedReplacementTheSilentConnectionIsProbedOncePerLimit() {
        Duration timeout = Duration.ofMillis(200);
        ReplacedWhenSilent<String, String> connection = connectThroughTheProxy(timeout, Duration.ofSeconds(1));
        assertThat(ping(connection)).isEqualTo("PONG");
        int first = proxy.connectionsMade() - 1;
        long before = proxy.bytesFromClient(first);

        proxy.silenceAll();
        assertThatThrownBy(() -> ping(connection)).isInstanceOf(RedisCommandTimeoutException.class);
        sleep(Duration.ofMillis(4_500));

        long probes = (proxy.bytesFromClient(first) - before) / PING.length() - 1;
        assertThat(proxy.connectionsMade() - first - 1).as("tries, each one limit after the last failed")
                .isBetween(2, 4);
        assertThat(probes).as("back to back for the first second (about 4), then one a second").isBetween(3L, 12L);
        assertThat(warnings()).isEmpty();
    }

    /**
     * A Redis that holds this connection's writes but answers a new connection's handshake ({@code CLIENT PAUSE …
     * WRITE}, as a failover does) makes replacements follow one another: each waits for a silence twice as long as the
     * last one's, and only the first warns (a hostile review: a new connection and a warning every 6 s, here every
     * 0.7 s).
     */
    @Test
    void replacementsInARowWaitLongerAndWarnOnce() {
        Duration timeout = Duration.ofMillis(200);
        ReplacedWhenSilent<String, String> connection = connectThroughTheProxy(timeout, Duration.ofMillis(500));
        assertThat(ping(connection)).isEqualTo("PONG");
        int made = proxy.connectionsMade();

        pauseRedisWrites(6_000);
        long paused = System.nanoTime();
        int written = 0;
        while (System.nanoTime() - paused < Duration.ofMillis(5_800).toNanos()) {
            try {
                connection.call(commands -> commands.set("parley-test-paused", "1"));
                written++;
            } catch (RedisException timedOutOrClosed) {
                // held by the pause, or closed under the command by a replacement
            }
            pause();
        }
        sleep(Duration.ofMillis(500));

        assertThat(written).as("no write answered during the pause").isZero();
        String answer = connection.call(commands -> commands.set("parley-test-paused", "2"));
        assertThat(answer).isEqualTo("OK");
        assertThat(proxy.connectionsMade() - made).as("replaced after 0.5, 1 and 2 s of silence, not every 0.7 s")
                .isBetween(2, 4);
        assertThat(warnings()).containsExactly(
                "The Redis connection for the test's use answered no PING in time for 0 s: replaced by a new one");
    }

    /**
     * Each new connection works (answers every write) for longer than its wait, then dies: each death is a silence of
     * its own, replaced after the limit with a warning, not a sequel of the last that waits twice as long and logs at
     * debug (a hostile review: after four such deaths, a minute without a warning).
     */
    @Test
    void aConnectionThatWorkedForItsWaitAndThenDiesIsANewSilence() {
        Duration limit = Duration.ofMillis(500);
        ReplacedWhenSilent<String, String> connection = connectThroughTheProxy(Duration.ofMillis(200), limit);
        List<Long> replacedAfterMillis = new ArrayList<>();
        for (int death = 0; death < 3; death++) {
            long working = System.nanoTime();
            while (System.nanoTime() - working < Duration.ofMillis(1_500).toNanos()) {
                String answer = connection.call(commands -> commands.set("parley-test-working", "1"));
                assertThat(answer).isEqualTo("OK");
                pause();
            }
            proxy.silenceEstablished();
            long silenced = System.nanoTime();
            String answer = null;
            while (answer == null) {
                assertThat(System.nanoTime() - silenced).as("replaced within %s", WAIT).isLessThan(WAIT.toNanos());
                try {
                    answer = connection.call(commands -> commands.set("parley-test-working", "2"));
                } catch (RedisException timedOutOrClosed) {
                    sleep(Duration.ofMillis(10));
                }
            }
            replacedAfterMillis.add(Duration.ofNanos(System.nanoTime() - silenced).toMillis());
        }

        assertThat(replacedAfterMillis).as("each replaced after the limit, not twice as long as the last")
                .allMatch(millis -> millis < limit.toMillis() + 800);
        assertThat(warnings()).hasSize(3);
    }

    /**
     * A new connection that is ready only once a probe of the silent one was answered is closed: the connection that
     * answered stays in place (a hostile review: it was put in place all the same).
     */
    @Test
    void aReplacementReadyAfterTheConnectionAnsweredAgainIsClosed() {
        ReplacedWhenSilent<String, String> connection = connectThroughTheProxy(Duration.ofSeconds(1),
                Duration.ofSeconds(2));
        assertThat(ping(connection)).isEqualTo("PONG");
        int first = proxy.connectionsMade() - 1;

        proxy.holdEstablished();
        proxy.holdNew();
        assertThatThrownBy(() -> ping(connection)).isInstanceOf(RedisCommandTimeoutException.class);
        int replacement = awaitReplacementUnderWay(first);
        proxy.release(first); // the probe in flight is answered in time
        sleep(Duration.ofMillis(300));
        proxy.release(replacement);

        awaitClosed(replacement);
        sleep(Duration.ofMillis(200));
        assertThat(proxy.isOpen(first)).as("the connection that answered is kept").isTrue();
        assertThat(ping(connection)).isEqualTo("PONG");
        assertThat(proxy.connectionsMade()).isEqualTo(replacement + 1);
        assertThat(warnings()).isEmpty();
    }

    @Test
    void aReplacementReadyAfterCloseIsClosed() {
        ReplacedWhenSilent<String, String> connection = connectThroughTheProxy(Duration.ofSeconds(1),
                Duration.ofSeconds(2));
        assertThat(ping(connection)).isEqualTo("PONG");
        int first = proxy.connectionsMade() - 1;

        proxy.holdEstablished();
        proxy.holdNew();
        assertThatThrownBy(() -> ping(connection)).isInstanceOf(RedisCommandTimeoutException.class);
        int replacement = awaitReplacementUnderWay(first);
        connection.close();
        proxy.release(replacement);

        awaitClosed(replacement);
        assertThat(proxy.connectionsMade()).isEqualTo(replacement + 1);
        assertThat(warnings()).isEmpty();
    }

    @Test
    void theSendLimitsDecideAcrossNodesAgainOnceTheirSilentConnectionIsReplaced() {
        ManualTimeSource time = new ManualTimeSource();
        SendRate rate = new SendRate(1_000, 1_000);
        RedisLimits limits = opened(RedisLimits.connect(settings(proxy.url())));
        AtomicInteger decidedHere = new AtomicInteger();
        SendBudget here = new LocalSendBudget(rate, time);
        SendBudget budget = limits.sendBudget(rate, time, sender -> {
            decidedHere.incrementAndGet();
            return here.take(sender);
        });
        UserId alice = UserId.random();
        assertThat(budget.take(alice).granted()).isTrue();
        assertThat(decidedHere).as("Redis decided").hasValue(0);

        int made = proxy.connectionsMade();
        proxy.silenceEstablished();
        long silenced = System.nanoTime();
        awaitDecidedByRedisAgain("the send limits", silenced, made, () -> {
            int before = decidedHere.get();
            Admission admission = budget.take(alice);
            assertThat(admission.granted()).isTrue();
            return decidedHere.get() == before && before > 0;
        });
        assertThat(warnings()).contains(
                "The Redis connection for the limits' use answered no PING in time for 5 s: replaced by a new one");
    }

    @Test
    void theCensusCountsAcrossNodesAgainOnceItsSilentConnectionIsReplaced() {
        Duration heartbeat = Duration.ofMillis(200);
        RedisConnectionCensus silenced = opened(RedisConnectionCensus.connect(settings(proxy.url()), 1,
                Duration.ofSeconds(15), heartbeat));
        RedisConnectionCensus other = opened(RedisConnectionCensus.connect(settings(redis.url()), 1,
                Duration.ofSeconds(15), heartbeat));
        UserId alice = UserId.random();
        assertThat(other.tryOpen(alice)).as("alice's one connection, on the other node").isPresent();
        assertThat(silenced.tryOpen(alice)).as("counted across nodes: no room").isEmpty();

        int made = proxy.connectionsMade();
        proxy.silenceEstablished();
        long silencedAt = System.nanoTime();
        boolean[] countedAlone = new boolean[1];
        awaitDecidedByRedisAgain("the connection census", silencedAt, made, () -> {
            Optional<ConnectionCensus.Lease> lease = silenced.tryOpen(alice);
            lease.ifPresent(letInAlone -> {
                countedAlone[0] = true;
                letInAlone.release();
            });
            return lease.isEmpty() && countedAlone[0];
        });
        assertThat(warnings()).contains(
                "The Redis connection for the census's use answered no PING in time for 5 s: replaced by a new one");
    }

    @Test
    void presenceSeesOtherNodesUsersAgainOnceItsSilentConnectionIsReplaced() {
        RedisPresence silenced = opened(RedisPresence.connect(settings(proxy.url()), Duration.ofSeconds(15),
                Duration.ofSeconds(5)));
        RedisPresence other = opened(RedisPresence.connect(settings(redis.url()), Duration.ofSeconds(15),
                Duration.ofSeconds(5)));
        UserId alice = UserId.random();
        other.store().update(Set.of(alice), Set.of());
        PresenceStore store = silenced.store();
        assertThat(store.online(List.of(alice))).as("online on the other node").containsExactly(alice);

        int made = proxy.connectionsMade();
        proxy.silenceEstablished();
        long silencedAt = System.nanoTime();
        boolean[] blind = new boolean[1];
        awaitDecidedByRedisAgain("presence", silencedAt, made, () -> {
            boolean seen = store.online(List.of(alice)).contains(alice);
            blind[0] |= !seen;
            return seen && blind[0];
        });
        assertThat(warnings()).contains(
                "The Redis connection for presence's use answered no PING in time for 5 s: replaced by a new one");
    }

    private interface Check {
        boolean decidedByRedisAgain();
    }

    private void awaitDecidedByRedisAgain(String who, long silencedAt, int connectionsMade, Check check) {
        while (!check.decidedByRedisAgain()) {
            assertThat(System.nanoTime() - silencedAt).as("%s decides across nodes again within %s", who, WAIT)
                    .isLessThan(WAIT.toNanos());
            pause();
        }
        assertThat(proxy.connectionsMade()).as("%s made one new connection", who).isEqualTo(connectionsMade + 1);
    }

    /** The index of the new connection opened to replace connection {@code first}, once the proxy carries it. */
    private int awaitReplacementUnderWay(int first) {
        long since = System.nanoTime();
        while (proxy.connectionsMade() <= first + 1) {
            assertThat(System.nanoTime() - since).as("a replacement within %s", WAIT).isLessThan(WAIT.toNanos());
            sleep(Duration.ofMillis(5));
        }
        return first + 1;
    }

    private void awaitClosed(int index) {
        long since = System.nanoTime();
        while (proxy.isOpen(index)) {
            assertThat(System.nanoTime() - since).as("connection %s closed within 5 s", index)
                    .isLessThan(Duration.ofSeconds(5).toNanos());
            pause();
        }
    }

    private ReplacedWhenSilent<String, String> connectThroughTheProxy(Duration timeout, Duration limit) {
        RedisBusSettings settings = settings(proxy.url());
        ClientResources resources = LettuceClients.resources(1);
        RedisClient client = LettuceClients.client(resources, settings, timeout, UnaryOperator.identity());
        opened.add(() -> LettuceClients.shutDown(client, resources,
                LoggerFactory.getLogger(SilentConnectionsTest.class), "the test's"));
        return opened(ReplacedWhenSilent.connect(client, StringCodec.UTF8, LettuceClients.uri(settings, timeout),
                limit, LoggerFactory.getLogger(SilentConnectionsTest.class), "the test's"));
    }

    private <T extends AutoCloseable> T opened(T closeable) {
        opened.add(0, closeable);
        return closeable;
    }

    private RedisBusSettings settings(String url) {
        return new RedisBusSettings(url, channel, Duration.ofSeconds(5));
    }

    private List<String> warnings() {
        return log.list.stream().filter(event -> event.getLevel() == Level.WARN)
                .map(ILoggingEvent::getFormattedMessage)
                .filter(line -> line.startsWith("The Redis connection for")).toList();
    }

    /** Every client of the Redis waits {@code millis} for its next command to be answered. */
    private void pauseRedis(long millis) {
        RedisClient adminClient = RedisClient.create(redis.url());
        try (StatefulRedisConnection<String, String> admin = adminClient.connect()) {
            admin.sync().clientPause(millis);
        } finally {
            adminClient.shutdown();
        }
    }

    /** Every command that writes, from any client of the Redis, waits {@code millis} to be answered. */
    private void pauseRedisWrites(long millis) {
        RedisClient adminClient = RedisClient.create(redis.url());
        try (StatefulRedisConnection<String, String> admin = adminClient.connect()) {
            admin.sync().dispatch(CommandType.CLIENT, new StatusOutput<>(StringCodec.UTF8),
                    new CommandArgs<>(StringCodec.UTF8).add("PAUSE").add(millis).add("WRITE"));
        } finally {
            adminClient.shutdown();
        }
    }

    private static String ping(ReplacedWhenSilent<String, String> connection) {
        return connection.call(RedisCommands::ping);
    }

    private static void pause() {
        sleep(Duration.ofMillis(50));
    }

    private static void sleep(Duration duration) {
        try {
            Thread.sleep(duration.toMillis());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new AssertionError(e);
        }
    }
}
