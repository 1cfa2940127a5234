package org.parley.adapter.redis;

import java.time.Duration;

import org.junit.jupiter.api.AfterEach;
import org.parley.adapter.redis.testing.RedisForTests;
import org.parley.application.port.out.SendBudget;
import org.parley.application.port.out.SendRate;
import org.parley.application.port.out.TimeSource;
import org.parley.application.testing.SendBudgetContract;

/**
 * The budget the nodes of a deployment share, against the machine's Redis: the same contract as one node's (each test
 * on a channel of its own, so on keys of its own); this node's own budget, which decides while Redis cannot be asked,
 * fails the test if it is ever asked. Skipped with one line without {@code -Dparley.test.redisUrl}.
 */
class RedisSendBudgetTest extends SendBudgetContract {

    private RedisLimits limits;

    @Override
    protected SendBudget budget(SendRate rate, TimeSource time) {
        limits = RedisLimits.connect(new RedisBusSettings(RedisForTests.url(), RedisForTests.uniqueChannel(),
                Duration.ofSeconds(5)));
        return limits.sendBudget(rate, time, sender -> {
            throw new AssertionError("Redis did not answer: the node's own budget was asked instead");
        });
    }

    @AfterEach
    void disconnect() {
        if (limits != null) {
            limits.close();
        }
    }
}
