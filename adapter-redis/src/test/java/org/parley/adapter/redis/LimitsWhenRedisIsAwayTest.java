package org.parley.adapter.redis;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import java.util.List;
import java.util.stream.IntStream;

import ch.qos.logback.classic.Level;
import ch.qos.logback.classic.Logger;
import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.core.read.ListAppender;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.parley.adapter.redis.testing.RedisServer;
import org.parley.application.cluster.LocalLogInAttempts;
import org.parley.application.cluster.LocalSendBudget;
import org.parley.application.port.out.Admission;
import org.parley.application.port.out.LogInAttempts;
import org.parley.application.port.out.LogInWindow;
import org.parley.application.port.out.SendBudget;
import org.parley.application.port.out.SendRate;
import org.parley.application.testing.ManualTimeSource;
import org.parley.domain.user.UserId;
import org.slf4j.LoggerFactory;

/**
 * While Redis cannot be asked, the shared limits are this node's own (the application's one-node budget and attempts,
 * on the same rate and window): neither refusing everything (the outage the limits exist to prevent) nor letting
 * everything through (the limits gone exactly when a flood or a guesser needs them; issue 13's review sent 150 of 150
 * messages at a burst of 40 and 25 wrong passwords all answered 401). The outage is logged once, and the return of
 * Redis once, after which Redis decides again. Against a Redis of the test's own, which it kills.
 */
class LimitsWhenRedisIsAwayTest {

    private final RedisServer redis = RedisServer.start();
    private final ListAppender<ILoggingEvent> log = new ListAppender<>();
    private final Logger logger = (Logger) LoggerFactory.getLogger(RedisLimits.class);

    LimitsWhenRedisIsAwayTest() {
        log.start();
        logger.addAppender(log);
    }

    @AfterEach
    void stop() {
        logger.detachAppender(log);
        redis.close();
    }

    @Test
    void whileRedisIsAwayThisNodesOwnLimitsApplyTheOutageIsLoggedOnceAndRedisDecidesAgainOnceItAnswers() {
        ManualTimeSource time = new ManualTimeSource();
        SendRate rate = new SendRate(1, 3);
        LogInWindow window = new LogInWindow(2, Duration.ofMinutes(15));
        try (RedisLimits limits = RedisLimits.connect(new RedisBusSettings(redis.url(), "parley",
                Duration.ofSeconds(5)))) {
            SendBudget budget = limits.sendBudget(rate, time, new LocalSendBudget(rate, time));
            LogInAttempts attempts = limits.logInAttempts(window, time, new LocalLogInAttempts(window, time));
            UserId alice = UserId.random();
            String address = "alice@example.com";
            assertThat(IntStream.range(0, 3).mapToObj(i -> budget.take(alice))).allMatch(Admission::granted);
            assertThat(budget.take(alice).granted()).as("Redis's bucket is empty").isFalse();

            redis.stop();

            assertThat(IntStream.range(0, 3).mapToObj(i -> budget.take(alice)))
                    .as("this node's own bucket, full").allMatch(Admission::granted);
            Admission refused = budget.take(alice);
            assertThat(refused.granted()).as("a flood is refused while Redis is away").isFalse();
            assertThat(refused.retryAfter()).isEqualTo(Duration.ofSeconds(1));
            assertThat(attempts.attempt(address).granted()).isTrue();
            assertThat(attempts.attempt(address).granted()).isTrue();
            assertThat(attempts.attempt(address).granted()).as("a guesser is refused while Redis is away").isFalse();
            attempts.giveBack(address);
            assertThat(attempts.attempt(address).granted()).as("an attempt given back no longer counts").isTrue();
            assertThat(attempts.attempt(address).granted()).isFalse();
            assertThat(messages(Level.WARN)).singleElement().satisfies(line -> assertThat(line)
                    .startsWith("Redis cannot be asked for limits (")
                    .endsWith("sending and log-ins are limited by this node alone until it answers"));

            redis.restart();

            // The restarted Redis holds nothing: its bucket for Alice is full again, while this node's is empty (the
            // test's clock has not moved), so a message granted is Redis deciding again.
            Buses.await("Redis decides again", () -> budget.take(alice).granted());
            assertThat(IntStream.range(0, 2).mapToObj(i -> budget.take(alice))).allMatch(Admission::granted);
            assertThat(budget.take(alice).granted()).isFalse();
            assertThat(attempts.attempt(address).granted()).as("Redis's window, not this node's").isTrue();
            assertThat(messages(Level.WARN)).hasSize(1);
            assertThat(messages(Level.INFO))
                    .containsExactly("Redis answers again: sending and log-ins are limited across nodes again");
        }
    }

    /**
     * A Redis that hangs (frozen, not refusing) costs one request the command time-out; the next ones are decided here
     * at once, until a request asks Redis again a second later (issue 13's second review: every message of a user had
     * waited 0.5 s for a frozen Redis).
     */
    @Test
    void aHungRedisCostsOneRequestTheTimeOutNotEveryRequest() {
        ManualTimeSource time = new ManualTimeSource();
        SendRate rate = new SendRate(20, 40);
        try (RedisLimits limits = RedisLimits.connect(new RedisBusSettings(redis.url(), "parley",
                Duration.ofSeconds(5)))) {
            SendBudget budget = limits.sendBudget(rate, time, new LocalSendBudget(rate, time));
            UserId alice = UserId.random();
            assertThat(budget.take(alice).granted()).isTrue();

            redis.freeze();
            try {
                long start = System.nanoTime();
                assertThat(IntStream.range(0, 20).mapToObj(i -> budget.take(alice)))
                        .as("this node's own bucket decides").allMatch(Admission::granted);
                Duration took = Duration.ofNanos(System.nanoTime() - start);
                assertThat(took).as("20 decisions, one of which waited for the frozen Redis")
                        .isLessThan(Duration.ofMillis(RedisLimits.COMMAND_TIMEOUT_MILLIS * 3));
                assertThat(messages(Level.WARN)).hasSize(1);
            } finally {
                redis.thaw();
            }
            Buses.await("Redis decides again", () -> {
                budget.take(alice);
                return messages(Level.INFO).size() == 1;
            });
        }
    }

    private List<String> messages(Level level) {
        return log.list.stream().filter(event -> event.getLevel() == level).map(ILoggingEvent::getFormattedMessage)
                .toList();
    }
}
