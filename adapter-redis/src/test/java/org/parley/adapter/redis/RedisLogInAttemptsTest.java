package org.parley.adapter.redis;

import java.time.Duration;

import org.junit.jupiter.api.AfterEach;
import org.parley.adapter.redis.testing.RedisForTests;
import org.parley.application.port.out.LogInAttempts;
import org.parley.application.port.out.LogInWindow;
import org.parley.application.port.out.TimeSource;
import org.parley.application.testing.LogInAttemptsContract;

/**
 * Log-in attempts the nodes of a deployment share, against the machine's Redis: the same contract as one node's
 * (each test on a channel of its own). Skipped with one line without {@code -Dparley.test.redisUrl}.
 */
class RedisLogInAttemptsTest extends LogInAttemptsContract {

    private RedisLimits limits;

    @Override
    protected LogInAttempts attempts(LogInWindow limit, TimeSource time) {
        limits = RedisLimits.connect(new RedisBusSettings(RedisForTests.url(), RedisForTests.uniqueChannel(),
                Duration.ofSeconds(5)));
        return limits.logInAttempts(limit, time);
    }

    @AfterEach
    void disconnect() {
        if (limits != null) {
            limits.close();
        }
    }
}
