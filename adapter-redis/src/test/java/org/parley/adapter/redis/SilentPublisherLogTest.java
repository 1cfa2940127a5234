package org.parley.adapter.redis;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.parley.adapter.redis.testing.RedisServer;
import org.parley.adapter.redis.testing.SilentProxy;

/**
 * A node whose connection to Redis goes silent (a cut that no packet tells of) goes on publishing into it until it
 * finds itself deaf: Lettuce keeps each command until Redis answers it, and refuses any beyond the bus's limit, logging
 * every refusal as a warning with its stack trace (a hostile review, 2026-12-03: about 45 a second on a node cut off
 * from Redis). The bus stops at the limit and owes what it would publish, with one line. In a process of its own
 * ({@link StandingNode}), with the limit at 100.
 */
class SilentPublisherLogTest {

    private final RedisServer redis = RedisServer.start();
    private StandingNodeProcess node;

    @AfterEach
    void stop() throws Exception {
        if (node != null) {
            node.close();
        }
        redis.close();
    }

    @Test
    void aConnectionRedisNoLongerAnswersIsNotGivenMorePublicationsThanLettuceTakes() throws Exception {
        try (SilentProxy proxy = SilentProxy.to(redis.port())) {
            node = StandingNodeProcess.start(proxy.url(), true, "-Dparley.bus.maxPublicationsInFlight=100");

            proxy.silenceEstablished();
            Thread.sleep(4_000); // an event every 2 ms; the node finds itself deaf after 5 s

            List<String> output = node.lines().stream().map(StandingNodeProcess.Line::text).toList();
            assertThat(output).as("the bus reached the limit").filteredOn(line -> line.contains(
                    "Redis has not answered")).hasSize(1);
            assertThat(output).as("Lettuce refused nothing").noneMatch(line -> line.contains("stack size exceeded"));
        }
    }
}
