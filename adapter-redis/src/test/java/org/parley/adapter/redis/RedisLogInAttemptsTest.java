package org.parley.adapter.redis;

import java.time.Duration;

import org.junit.jupiter.api.AfterEach;
import org.parley.adapter.redis.testing.RedisForTests;
import org.parley.application.port.out.Admission;
import org.parley.application.port.out.LogInAttempts;
import org.parley.application.port.out.LogInWindow;
import org.parley.application.port.out.TimeSource;
import org.parley.application.testing.LogInAttemptsContract;

/**
 * Log-in attempts the nodes of a deployment share, against the machine's Redis: the same contract as one node's
 * (each test on a channel of its own, and Redis must answer every call). Skipped with one line without
 * {@code -Dparley.test.redisUrl}.
 */
class RedisLogInAttemptsTest extends LogInAttemptsContract {

    /** This node's own attempts, which decide while Redis cannot be asked: here Redis must answer every call. */
    private static final LogInAttempts NEVER_ASKED = new LogInAttempts() {
        @Override
        public Admission attempt(String address) {
            throw new AssertionError("Redis did not answer: the node's own attempts were asked instead");
        }

        @Override
        public void succeeded(String address) {
            // Told of every success, whoever decided.
        }

        @Override
        public void giveBack(String address) {
            throw new AssertionError("Redis did not answer: the attempt was given back to the node's own instead");
        }
    };

    private RedisLimits limits;

    @Override
    protected LogInAttempts attempts(LogInWindow limit, TimeSource time) {
        limits = RedisLimits.connect(new RedisBusSettings(RedisForTests.url(), RedisForTests.uniqueChannel(),
                Duration.ofSeconds(5)));
        return limits.logInAttempts(limit, time, NEVER_ASKED);
    }

    @AfterEach
    void disconnect() {
        if (limits != null) {
            limits.close();
        }
    }
}
