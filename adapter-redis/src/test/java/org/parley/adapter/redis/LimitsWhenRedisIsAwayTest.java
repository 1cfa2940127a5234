package org.parley.adapter.redis;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import java.util.List;

import ch.qos.logback.classic.Level;
import ch.qos.logback.classic.Logger;
import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.core.read.ListAppender;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.parley.adapter.redis.testing.RedisServer;
import org.parley.application.port.out.LogInAttempts;
import org.parley.application.port.out.LogInWindow;
import org.parley.application.port.out.SendBudget;
import org.parley.application.port.out.SendRate;
import org.parley.application.testing.ManualTimeSource;
import org.parley.domain.user.UserId;
import org.slf4j.LoggerFactory;

/**
 * When Redis cannot be asked, the shared limits let everything through (failing open: refusing every message and
 * log-in would be the outage the limits exist to prevent), say so once per outage, and apply again once Redis is back.
 * Against a Redis of the test's own, which it stops.
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
    void whileRedisIsAwayEverythingIsLetThroughTheOutageIsLoggedOnceAndLimitsComeBackWithIt() {
        ManualTimeSource time = new ManualTimeSource();
        try (RedisLimits limits = RedisLimits.connect(new RedisBusSettings(redis.url(), "parley",
                Duration.ofSeconds(5)))) {
            SendBudget budget = limits.sendBudget(new SendRate(1, 1), time);
            LogInAttempts attempts = limits.logInAttempts(new LogInWindow(1, Duration.ofMinutes(15)), time);
            UserId alice = UserId.random();
            assertThat(budget.take(alice).granted()).isTrue();
            assertThat(budget.take(alice).granted()).isFalse();

            redis.stop();

            for (int i = 0; i < 5; i++) {
                assertThat(budget.take(alice).granted()).as("message %d while Redis is away", i).isTrue();
                assertThat(attempts.attempt("alice@example.com").granted()).isTrue();
            }
            attempts.succeeded("alice@example.com");
            assertThat(messages(Level.WARN)).hasSize(1).allMatch(line -> line.contains("not limited"));

            redis.restart();

            Buses.await("the limit applies again", () -> !budget.take(alice).granted());
            assertThat(messages(Level.WARN)).hasSize(1);
            assertThat(messages(Level.INFO)).containsExactly("Redis answers again: sending and log-ins are limited again");
        }
    }

    private List<String> messages(Level level) {
        return log.list.stream().filter(event -> event.getLevel() == level).map(ILoggingEvent::getFormattedMessage)
                .toList();
    }
}
