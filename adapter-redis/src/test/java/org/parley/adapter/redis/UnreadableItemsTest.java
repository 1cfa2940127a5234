package org.parley.adapter.redis;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.Collection;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;

import io.lettuce.core.RedisClient;
import io.lettuce.core.api.StatefulRedisConnection;
import io.lettuce.core.codec.ByteArrayCodec;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.parley.adapter.redis.BusCodec.Event;
import org.parley.adapter.redis.testing.RedisServer;
import org.parley.application.port.out.EventDelivery;
import org.parley.application.port.out.MessageStored;
import org.parley.application.port.out.OpenConnections;
import org.parley.domain.user.UserId;

/**
 * A publication holding an item this node cannot read (another build's, during a rolling upgrade) and events after
 * it: the unreadable item's recipients are closed to catch up before any event after it reaches them, since a client
 * given a later event first would catch up from that event's id and never get what the unreadable item stood for. A
 * Redis of this test's own; the other node is played by a plain Redis client.
 */
class UnreadableItemsTest {

    private static final byte[] CHANNEL = "parley:events".getBytes(StandardCharsets.UTF_8);

    private final RedisServer redis = RedisServer.start();
    private final UserId alice = UserId.random();
    private final UserId bob = UserId.random();
    private final List<String> log = new CopyOnWriteArrayList<>();

    @AfterEach
    void stop() {
        redis.close();
    }

    @Test
    void anUnreadableItemsRecipientsAreClosedBeforeTheEventsAfterItAndAfterThoseBeforeIt() throws Exception {
        EventDelivery logging = event -> log.add("deliver " + ((MessageStored) event).message().id().value());
        RedisEventBus a = RedisEventBus.connect(new RedisBusSettings(redis.url(), "parley", Duration.ofSeconds(5)),
                logging, user -> { }, logClosings());
        RedisClient otherNode = RedisClient.create(redis.url());
        try (StatefulRedisConnection<byte[], byte[]> publishing = otherNode.connect(ByteArrayCodec.INSTANCE)) {
            String batch = new String(BusCodec.encode("another-build", 1, List.of(
                    new Event(Buses.event(1, alice, bob)), new Event(Buses.event(2, alice, bob)))),
                    StandardCharsets.UTF_8);
            String unreadable = "{\"k\":\"zz\",\"to\":[[\"" + bob + "\",\"r\"]]}";
            int second = batch.indexOf(",{", batch.indexOf("\"i\":[") + 5);
            String withUnreadableBetween = batch.substring(0, second) + "," + unreadable + batch.substring(second);
            assertThat(BusCodec.decode(withUnreadableBetween.getBytes(StandardCharsets.UTF_8)).unreadable())
                    .as("the item between the two events is unreadable").hasSize(1);

            publishing.sync().publish(CHANNEL, withUnreadableBetween.getBytes(StandardCharsets.UTF_8));

            Buses.await("node A handled the publication", () -> log.size() == 3);
            assertThat(log).containsExactly("deliver 1", "close " + List.of(bob), "deliver 2");
        } finally {
            a.close();
            otherNode.shutdown();
        }
    }

    private OpenConnections logClosings() {
        return new OpenConnections() {
            @Override
            public void closeToCatchUp(Collection<UserId> users, Instant openedBefore) {
                log.add("close " + List.copyOf(users));
            }

            @Override
            public void closeAllToCatchUp(Instant openedBefore) {
                log.add("close all");
            }

            @Override
            public void closeDeactivated(UserId user) {
                log.add("deactivated " + user);
            }
        };
    }
}
