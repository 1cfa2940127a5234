package org.parley.adapter.redis;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collection;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.function.BooleanSupplier;

import io.lettuce.core.api.StatefulRedisConnection;

import org.parley.application.cluster.ConversationOrder;
import org.parley.application.port.out.MessageStored;
import org.parley.application.port.out.OpenConnections;
import org.parley.application.port.out.ThreadPosition;
import org.parley.application.testing.ChatFixtures;
import org.parley.application.testing.RecordingConnections;
import org.parley.application.testing.RecordingEventDelivery;
import org.parley.application.testing.RecordingUserChanges;
import org.parley.domain.chat.Message;
import org.parley.domain.chat.MessageContent;
import org.parley.domain.chat.MessageId;
import org.parley.domain.chat.ThreadId;
import org.parley.domain.delivery.DeliveryPolicy;
import org.parley.domain.user.UserId;

/** Nodes of a test: a bus each, over recording fakes of what a node has; events to publish; waiting with a deadline. */
final class Buses implements AutoCloseable {

    static final Duration WAIT = Duration.ofSeconds(15);

    /** One node: its bus and what the bus handed to the node. */
    static final class Node {
        final RecordingEventDelivery local = new RecordingEventDelivery();
        final RecordingUserChanges changes = new RecordingUserChanges();
        final RecordingConnections connections = new RecordingConnections();
        final RedisEventBus bus;
        /** The order in front of {@link #local}, as bootstrap puts it with a bus, or null. */
        final ConversationOrder order;

        Node(RedisBusSettings settings, boolean ordered) {
            order = ordered ? ConversationOrder.start(local, connections, ConversationOrder.Settings.defaults(),
                    ConversationOrder.Storage.EMPTY) : null;
            bus = RedisEventBus.connect(settings, order != null ? order : local, changes,
                    order != null ? order.connections() : connections);
        }

        List<Long> deliveredIds() {
            return local.messagesStored().stream().map(event -> event.message().id().value()).toList();
        }
    }

    private final List<Node> nodes = new ArrayList<>();
    private final RedisBusSettings settings;

    Buses(String url, String channel) {
        this.settings = new RedisBusSettings(url, channel, Duration.ofSeconds(5));
    }

    Node start() {
        Node node = new Node(settings, false);
        nodes.add(node);
        return node;
    }

    /** A node whose bus reaches Redis at {@code url} (a proxy, say) instead of this test's own. */
    Node startThrough(String url) {
        Node node = new Node(new RedisBusSettings(url, settings.channel(), settings.connectTimeout()), false);
        nodes.add(node);
        return node;
    }

    /** A node whose bus hands events to a {@link ConversationOrder} in front of {@link Node#local}, as in bootstrap. */
    Node startOrdered() {
        Node node = new Node(settings, true);
        nodes.add(node);
        return node;
    }

    /** A bus's settings on {@code url}, channel {@code parley}, its connections named {@code clientName} in Redis. */
    static RedisBusSettings named(String url, String clientName) {
        return new RedisBusSettings(url + "?clientName=" + clientName, "parley", Duration.ofSeconds(5));
    }

    /**
     * The id Redis gives the one connection named {@code clientName} whose {@code CLIENT LIST} line holds {@code kind}:
     * {@code " sub=0 "} for a bus's publishing connection, {@code " sub=1 "} for its subscribing one.
     */
    static long connectionOf(String clientName, String kind, StatefulRedisConnection<String, String> commands) {
        List<Long> ids = Arrays.stream(commands.sync().clientList().split("\n"))
                .filter(line -> line.contains(" name=" + clientName + " ") && line.contains(kind))
                .map(line -> Long.parseLong(line.substring("id=".length(), line.indexOf(' '))))
                .toList();
        assertThat(ids).as("the connection of %s with%s", clientName, kind).hasSize(1);
        return ids.get(0);
    }

    /** Connections whose closing of all to catch up runs {@code closeAll}; the other closes do nothing. */
    static OpenConnections closingAll(Runnable closeAll) {
        return new OpenConnections() {
            @Override
            public void closeAllToCatchUp(Instant openedBefore) {
                closeAll.run();
            }

            @Override
            public void closeToCatchUp(Collection<UserId> users, Instant openedBefore) {
            }

            @Override
            public void closeDeactivated(UserId user) {
            }
        };
    }

    /** Waits for {@code latch} for at most {@link #WAIT}; an interrupt ends the wait and stays set. */
    static void awaitQuietly(CountDownLatch latch) {
        try {
            latch.await(WAIT.toMillis(), TimeUnit.MILLISECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    static MessageStored event(long id, UserId sender, UserId receiver) {
        return event(id, sender, receiver, "message " + id);
    }

    static MessageStored event(long id, UserId sender, UserId receiver, String text) {
        Message message = new Message(new MessageId(id), new ThreadId(id), sender, receiver,
                new MessageContent.Text(text), ChatFixtures.T0, ChatFixtures.T0);
        return new MessageStored(message, DeliveryPolicy.forStoredMessage(message), Optional.empty(), Optional.empty(),
                Optional.empty(), ThreadPosition.first());
    }

    static void await(String what, BooleanSupplier condition) {
        long deadline = System.nanoTime() + WAIT.toNanos();
        while (!condition.getAsBoolean()) {
            assertThat(System.nanoTime()).as("waiting until " + what).isLessThan(deadline);
            try {
                Thread.sleep(10);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new AssertionError(e);
            }
        }
    }

    @Override
    public void close() {
        nodes.forEach(node -> {
            node.bus.close();
            if (node.order != null) {
                node.order.close();
            }
        });
    }
}
