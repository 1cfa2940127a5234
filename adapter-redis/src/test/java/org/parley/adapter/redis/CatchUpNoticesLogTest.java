package org.parley.adapter.redis;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.List;

import ch.qos.logback.classic.Level;
import ch.qos.logback.classic.Logger;
import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.core.read.ListAppender;
import io.lettuce.core.RedisClient;
import io.lettuce.core.api.StatefulRedisConnection;
import io.lettuce.core.codec.ByteArrayCodec;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.parley.adapter.redis.BusCodec.CatchUp;
import org.parley.adapter.redis.Buses.Node;
import org.parley.adapter.redis.testing.RedisServer;
import org.parley.domain.user.UserId;
import org.slf4j.LoggerFactory;

/**
 * An outage of Redis under traffic makes each node publish a catch-up notice per publication it could not make, once
 * Redis is back (a hostile review counted 20-40 in a second on one node): every notice closes its connections, but
 * only the first in ten seconds is logged at INFO, the others at DEBUG, counted in the next INFO line.
 */
class CatchUpNoticesLogTest {

    private static final byte[] CHANNEL = "parley:events".getBytes(StandardCharsets.UTF_8);

    private final RedisServer redis = RedisServer.start();
    private final Buses buses = new Buses(redis.url(), "parley");
    private final ListAppender<ILoggingEvent> log = new ListAppender<>();
    private final Logger logger = (Logger) LoggerFactory.getLogger(RedisEventBus.class);
    private final Level levelBefore = logger.getLevel();

    CatchUpNoticesLogTest() {
        log.start();
        logger.addAppender(log);
        logger.setLevel(Level.DEBUG);
    }

    @AfterEach
    void stop() {
        logger.detachAppender(log);
        logger.setLevel(levelBefore);
        buses.close();
        redis.close();
    }

    @Test
    void aBurstOfCatchUpNoticesClosesForEachButLogsOneLineAtInfo() throws Exception {
        Node node = buses.start();
        RedisClient admin = RedisClient.create(redis.url());
        try (StatefulRedisConnection<byte[], byte[]> otherNode = admin.connect(ByteArrayCodec.INSTANCE)) {
            Instant openedBefore = Instant.now();
            for (long sequence = 1; sequence <= 30; sequence++) {
                CatchUp notice = new CatchUp(List.of(UserId.random()), false, openedBefore);
                otherNode.sync().publish(CHANNEL, BusCodec.encode("another-node", sequence, List.of(notice)));
            }

            Buses.await("every notice closed its user's connections", () -> node.connections.closings().size() == 30);
            assertThat(lines(Level.INFO)).hasSize(1);
            assertThat(lines(Level.DEBUG)).hasSize(29);
        } finally {
            admin.shutdown();
        }
    }

    private List<String> lines(Level level) {
        return log.list.stream()
                .filter(event -> event.getLevel() == level)
                .map(ILoggingEvent::getFormattedMessage)
                .filter(line -> line.startsWith("Another node could not publish some frames"))
                .toList();
    }
}
