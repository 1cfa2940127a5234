package org.parley.adapter.redis;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Instant;
import java.util.List;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.parley.adapter.redis.Buses.Node;
import org.parley.adapter.redis.testing.RedisServer;
import org.parley.application.testing.RecordingConnections.Closing;
import org.parley.application.testing.RecordingConnections.Kind;
import org.parley.domain.user.UserId;

/**
 * Redis stopped and started again under two nodes (a Redis of this test's own, never the shared one): each node closes
 * its connections to catch up when it loses the bus and again when it has rejoined, keeps delivering its own events
 * meanwhile, tells the other node whose frames it could not publish, and delivery across nodes resumes.
 */
class BusFailureTest {

    private final RedisServer redis = RedisServer.start();
    private final Buses buses = new Buses(redis.url(), "parley");
    private final UserId alice = UserId.random();
    private final UserId bob = UserId.random();

    @AfterEach
    void stop() {
        buses.close();
        redis.close();
    }

    @Test
    void nodesThatLoseRedisCloseToCatchUpServeLocallyOweTheirRecipientsAndRejoin() {
        Node a = buses.start();
        Node b = buses.start();
        a.bus.deliver(Buses.event(1, alice, bob));
        Buses.await("delivery across nodes", () -> b.deliveredIds().contains(1L));

        redis.stop();

        for (Node node : List.of(a, b)) {
            Buses.await("the node noticed", () -> !node.bus.isUp());
            assertThat(node.connections.closings()).containsExactly(new Closing(Kind.ALL_CATCH_UP, List.of()));
        }
        Instant failedAt = Instant.now();
        a.bus.deliver(Buses.event(2, alice, bob));
        assertThat(a.deliveredIds()).as("its own connections are still served").containsExactly(1L, 2L);

        redis.restart();

        for (Node node : List.of(a, b)) {
            Buses.await("the node rejoined", node.bus::isUp);
        }
        Buses.await("the other node heard whose frames were not published", () -> b.connections.closings().stream()
                .anyMatch(closing -> closing.kind() == Kind.CATCH_UP));
        Closing owed = b.connections.closings().stream().filter(closing -> closing.kind() == Kind.CATCH_UP)
                .findFirst().orElseThrow();
        assertThat(owed.users()).containsExactlyInAnyOrder(alice, bob);
        assertThat(owed.openedBefore()).as("connections opened after the failure (and a clock margin) missed nothing")
                .isBetween(failedAt, Instant.now().plus(RedisEventBus.CLOCK_MARGIN));
        for (Node node : List.of(a, b)) {
            assertThat(node.connections.closings()).as("closed at the loss and again at the rejoin")
                    .filteredOn(closing -> closing.kind() == Kind.ALL_CATCH_UP).hasSize(2);
        }
        a.bus.deliver(Buses.event(3, alice, bob));
        Buses.await("delivery resumes", () -> b.deliveredIds().contains(3L));
        assertThat(b.deliveredIds()).as("2 was never published: its recipients catch up instead").containsExactly(1L, 3L);
    }
}
