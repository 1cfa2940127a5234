package org.parley.adapter.redis;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashSet;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.stream.LongStream;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Test;
import org.parley.adapter.redis.Buses.Node;
import org.parley.adapter.redis.testing.RedisForTests;
import org.parley.application.cluster.ConversationOrder;
import org.parley.application.port.out.EventDelivery;
import org.parley.application.port.out.MessageDeleted;
import org.parley.application.port.out.MessageStored;
import org.parley.application.port.out.OutboundEvent;
import org.parley.application.testing.RecordingConnections;
import org.parley.application.testing.RecordingUserChanges;
import org.parley.domain.chat.Message;
import org.parley.domain.delivery.DeliveryPolicy;
import org.parley.domain.user.UserId;

/**
 * Two nodes on the shared Redis (on a channel of this test's own): what one node delivers reaches the other exactly
 * once and in order, a user change is acted on everywhere, and another deployment on the same Redis hears nothing.
 */
class RedisEventBusTest {

    private final Buses buses = new Buses(RedisForTests.url(), RedisForTests.uniqueChannel());
    private final UserId alice = UserId.random();
    private final UserId bob = UserId.random();

    @AfterEach
    void stop() {
        buses.close();
    }

    /**
     * A node that closes with nothing left unpublished says that it leaves, and the others never take its silence for
     * a kill or a cut (they would read what is stored for as long as it stayed silent). One killed or cut off is
     * {@code BusFailureTest}'s.
     */
    @Test
    void aNodeThatLeavesTheBusSayingSoIsNeverToldOfAsSilent() throws Exception {
        Node a = buses.start();
        Node b = buses.start();
        b.bus.deliver(Buses.event(1, alice, bob));
        Buses.await("A heard B", () -> a.deliveredIds().contains(1L));

        b.bus.close();

        Thread.sleep(7_000); // a silence is told of after 5 s, checked four times a second
        assertThat(a.connections.silences()).isEmpty();
        assertThat(a.connections.heardAgain()).isZero();
    }

    @Test
    void anEventIsDeliveredOnItsNodeAtOnceAndOnceOnTheOther() {
        Node a = buses.start();
        Node b = buses.start();

        a.bus.deliver(Buses.event(1, alice, bob));
        assertThat(a.deliveredIds()).as("at once, before any publication").containsExactly(1L);

        a.bus.deliver(Buses.event(2, alice, bob));
        Buses.await("the other node has both", () -> b.deliveredIds().size() >= 2);
        assertThat(b.deliveredIds()).containsExactly(1L, 2L);
        assertThat(a.deliveredIds()).as("its own publications are not delivered again").containsExactly(1L, 2L);
        assertThat(b.local.messagesStored().get(0)).isEqualTo(Buses.event(1, alice, bob));
    }

    /**
     * Issue 12: group commit's batch goes to this node's delivery as one batch (its frames leave together), and each
     * of its events is published; the other node hands what it receives to its delivery in batches too, never alone.
     */
    @Test
    void aBatchIsDeliveredHereAsOneAndTheOtherNodeDeliversWhatItReceivesInBatches() {
        Node a = buses.start();
        Node b = buses.start();

        for (long first = 1; first <= 2_000; first += 50) {
            try (var batch = a.bus.openBatch()) {
                LongStream.range(first, first + 50).forEach(id -> batch.deliver(Buses.event(id, alice, bob)));
            }
        }

        assertThat(a.local.closedBatches()).hasSize(40).containsOnly(50);
        assertThat(a.deliveredIds()).isEqualTo(LongStream.rangeClosed(1, 2_000).boxed().toList());
        Buses.await("the other node has every event", () -> b.deliveredIds().size() == 2_000);
        assertThat(b.deliveredIds()).isEqualTo(LongStream.rangeClosed(1, 2_000).boxed().toList());
        Buses.await("the other node closed its last batch",
                () -> b.local.closedBatches().stream().mapToInt(Integer::intValue).sum() == 2_000);
        assertThat(b.local.closedBatches()).as("fewer batches than events: publications carry several")
                .hasSizeLessThan(2_000)
                .allMatch(events -> events <= RedisEventBus.MAX_EVENTS_PER_BATCH);
    }

    /**
     * Review of issue 12: group commit's batch hands this node's frames over every {@value
     * RedisEventBus#MAX_EVENTS_PER_BATCH} events, before the batch is closed. A sender who got her {@code conf_message}
     * may delete the message at once; the deletion, delivered alone, is published at once. The message must have been
     * published before it, or the other nodes show the deleted message after its deletion.
     */
    @Test
    void aMessageWhoseFramesWereHandedOverHereIsPublishedBeforeADeletionThatFollowsThem() {
        Node a = buses.start();
        Node b = buses.start();
        int events = RedisEventBus.MAX_EVENTS_PER_BATCH + 1;

        EventDelivery.Batch batch = a.bus.openBatch();
        LongStream.rangeClosed(1, events).forEach(id -> batch.deliver(Buses.event(id, alice, bob)));
        assertThat(a.local.closedBatches()).as("message 1's frames were handed over here").isNotEmpty();
        a.bus.deliver(deletionOf(Buses.event(1, alice, bob)));
        batch.close();

        Buses.await("the other node has the deletion and every message",
                () -> b.local.ofKind(MessageDeleted.class).size() == 1
                        && b.local.ofKind(MessageStored.class).size() == events);
        assertThat(kindsOf(b.local.delivered()).get(0)).as("what the other node delivered first").isEqualTo("1");
        assertThat(kindsOf(b.local.delivered())).endsWith("deleted 1");
    }

    /**
     * Review of issue 12: with a {@link ConversationOrder} in front of this node's delivery (bootstrap with a bus), the
     * receiver's batch closing hands over the frames group commit's open batch delivered into the joined batch. A
     * deletion the sender makes then must still be published after the message it deletes.
     */
    @Test
    void aMessageWhoseFramesTheReceiverHandedOverIsPublishedBeforeADeletionThatFollowsThem() {
        Node a = buses.startOrdered();
        Node b = buses.start();

        b.bus.deliver(Buses.event(99, bob, alice));
        Buses.await("node a hears node b", () -> a.local.closedBatches().equals(List.of(1)));

        EventDelivery.Batch groupCommit = a.bus.openBatch();
        groupCommit.deliver(Buses.event(1, alice, bob));
        b.bus.deliver(Buses.event(100, bob, alice));
        Buses.await("the receiver's batch on node a closed the joined batch, message 1 in it",
                () -> a.local.closedBatches().size() == 2);
        assertThat(a.local.closedBatches()).as("messages 1 and 100 handed over together, before the ticker would")
                .containsExactly(1, 2);
        a.bus.deliver(deletionOf(Buses.event(1, alice, bob)));
        groupCommit.close();

        Buses.await("the other node has the deletion and message 1",
                () -> b.local.ofKind(MessageDeleted.class).size() == 1
                        && kindsOf(b.local.delivered()).contains("1"));
        assertThat(kindsOf(b.local.delivered())).containsSubsequence("1", "deleted 1");
    }

    private static MessageDeleted deletionOf(MessageStored stored) {
        Message tombstone = stored.message().deletedAt(stored.message().updatedAt().plusSeconds(1));
        return new MessageDeleted(tombstone, DeliveryPolicy.forDeletion(tombstone), Optional.empty());
    }

    /** Each event as "id" (a stored message), "deleted id" or its class name. */
    private static List<String> kindsOf(List<OutboundEvent> events) {
        return events.stream().map(event -> event instanceof MessageStored stored
                ? String.valueOf(stored.message().id().value())
                : event instanceof MessageDeleted deleted ? "deleted " + deleted.message().id().value()
                : event.getClass().getSimpleName()).toList();
    }

    @Test
    void manyEventsFromTwoNodesArriveEachOnceInTheOrderTheirNodePublishedThem() {
        Node a = buses.start();
        Node b = buses.start();

        Thread fromB = new Thread(() -> LongStream.rangeClosed(10_001, 12_000)
                .forEach(id -> b.bus.deliver(Buses.event(id, bob, alice))));
        fromB.start();
        LongStream.rangeClosed(1, 2_000).forEach(id -> a.bus.deliver(Buses.event(id, alice, bob)));

        Buses.await("every event everywhere", () -> a.deliveredIds().size() == 4_000 && b.deliveredIds().size() == 4_000);
        for (Node node : List.of(a, b)) {
            List<Long> fromA = new ArrayList<>();
            List<Long> fromOther = new ArrayList<>();
            node.deliveredIds().forEach(id -> (id <= 2_000 ? fromA : fromOther).add(id));
            assertThat(fromA).isEqualTo(LongStream.rangeClosed(1, 2_000).boxed().toList());
            assertThat(fromOther).isEqualTo(LongStream.rangeClosed(10_001, 12_000).boxed().toList());
        }
        assertThat(a.connections.closings()).isEmpty();
        assertThat(b.connections.closings()).isEmpty();
    }

    /**
     * Whichever thread queues an event publishes it, unless another is publishing at that moment, which then takes it
     * along (or wakes the heartbeat thread for it): with four threads of one node delivering at once, nothing is left
     * behind, nothing arrives twice, and each thread's events arrive in its order.
     */
    @Test
    void eventsFromFourThreadsOfOneNodeAtOnceArriveEachOnceAndInEachThreadsOrder() throws InterruptedException {
        Node a = buses.start();
        Node b = buses.start();
        int perThread = 2_000;
        List<Thread> threads = new ArrayList<>();
        for (int t = 0; t < 4; t++) {
            long first = t * 100_000L + 1;
            threads.add(new Thread(() -> LongStream.range(first, first + perThread)
                    .forEach(id -> a.bus.deliver(Buses.event(id, alice, bob)))));
        }
        threads.forEach(Thread::start);
        for (Thread thread : threads) {
            thread.join();
        }

        Buses.await("every event on the other node", () -> b.deliveredIds().size() >= 4 * perThread);
        assertThat(b.deliveredIds()).hasSize(4 * perThread).doesNotHaveDuplicates();
        for (int t = 0; t < 4; t++) {
            long first = t * 100_000L + 1;
            assertThat(b.deliveredIds().stream().filter(id -> id >= first && id < first + perThread).toList())
                    .isEqualTo(LongStream.range(first, first + perThread).boxed().toList());
        }
        assertThat(b.connections.closings()).isEmpty();
    }

    /**
     * A node that has published and then has nothing to say still hears itself: its heartbeats (empty publications)
     * come back, so it does not take itself for deaf after {@value RedisEventBus#DEAF_AFTER_SECONDS} s and close its
     * connections.
     */
    @Test
    void aNodeWithNothingToSayStaysOnTheBusThroughItsHeartbeats() throws InterruptedException {
        Node a = buses.start();
        a.bus.deliver(Buses.event(1, alice, bob));

        Thread.sleep((RedisEventBus.DEAF_AFTER_SECONDS + 2) * 1_000L);

        assertThat(a.bus.isUp()).isTrue();
        assertThat(a.connections.closings()).isEmpty();
    }

    /**
     * A local delivery that catches an interrupt and sets it again (as well-behaved code does) leaves the receiver
     * thread interrupted: its next wait for a publication threw, and the thread ended, so the node never handed over
     * another node's frame again. It goes on now.
     */
    @Test
    void aDeliveryThatLeavesTheReceiverInterruptedDoesNotEndIt() {
        List<Long> delivered = new CopyOnWriteArrayList<>();
        EventDelivery interrupting = event -> {
            delivered.add(((MessageStored) event).message().id().value());
            Thread.currentThread().interrupt();
        };
        RedisBusSettings settings = new RedisBusSettings(RedisForTests.url(), RedisForTests.uniqueChannel(),
                Duration.ofSeconds(5));
        RedisEventBus b = RedisEventBus.connect(settings, interrupting, new RecordingUserChanges(),
                new RecordingConnections());
        RedisEventBus a = RedisEventBus.connect(settings, event -> { }, new RecordingUserChanges(),
                new RecordingConnections());
        try {
            a.deliver(Buses.event(1, alice, bob));
            Buses.await("the first event arrived", () -> delivered.contains(1L));
            a.deliver(Buses.event(2, alice, bob));
            Buses.await("the next event arrived too", () -> delivered.contains(2L));
            assertThat(b.isUp()).isTrue();
        } finally {
            a.close();
            b.close();
        }
    }

    /**
     * A node whose receiver thread is stuck (in its local delivery) while the other nodes' publications wait misses
     * their frames as surely as one that lost Redis: it takes itself for deaf and closes its connections to catch up,
     * although its own publications still come back to Lettuce's thread. (A hostile review found such a node staying
     * up, silently delivering nothing, once own publications no longer went through the receiver thread.)
     */
    @Test
    void aNodeWhoseReceiverIsStuckClosesItsConnectionsToCatchUp() throws InterruptedException {
        CountDownLatch released = new CountDownLatch(1);
        RecordingConnections connections = new RecordingConnections();
        EventDelivery stuck = event -> {
            try {
                released.await(60, TimeUnit.SECONDS);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        };
        RedisBusSettings settings = new RedisBusSettings(RedisForTests.url(), RedisForTests.uniqueChannel(),
                Duration.ofSeconds(5));
        RedisEventBus b = RedisEventBus.connect(settings, stuck, new RecordingUserChanges(), connections);
        RedisEventBus a = RedisEventBus.connect(settings, event -> { }, new RecordingUserChanges(),
                new RecordingConnections());
        try {
            b.changed(bob);   // B has published: from now on it expects to hear itself
            a.deliver(Buses.event(2, alice, bob));

            Buses.await("the stuck node goes down", () -> !b.isUp());
            // The close runs once the node is marked down, out of the lock isUp reads: wait for it.
            Buses.await("the stuck node closes its connections", () -> !connections.closings().isEmpty());
        } finally {
            released.countDown();
            a.close();
            b.close();
        }
    }

    /**
     * The race an idle receiver thread leaves open: another node's publication wakes it, and before it has run, this
     * node's own publication comes back on Lettuce's thread while that publication still waits in the inbox and the
     * receiver's last progress is more than a second old. The receiver is about to run, so the node must count itself
     * as heard, and neither take itself for deaf after {@value RedisEventBus#DEAF_AFTER_SECONDS} s nor close its
     * connections. (A second review found such own publications uncounted, which in a quiet cluster whose heartbeats
     * line up could take a healthy node down.)
     *
     * <p>The receiver is held between being woken and running with {@link Thread#suspend()}, applied while it is parked
     * in its inbox's {@code take()}, where it holds no lock: the publication's arrival wakes it, and it cannot go on
     * until resumed. Nothing short of that keeps a woken thread from running, and holding it past
     * {@value RedisEventBus#DEAF_AFTER_SECONDS} s makes each of this node's heartbeats meanwhile meet the race. On a JDK
     * that no longer suspends threads (20 and later) the test is skipped.
     */
    @Test
    @SuppressWarnings("removal") // Thread.suspend and resume: see above
    void aNodeWhoseIdleReceiverIsWokenButNotYetRunStillHearsItselfAndStaysUp() throws InterruptedException {
        Set<Thread> receiversBefore = receiverThreads();
        Node a = buses.start();
        Set<Thread> receivers = receiverThreads();
        receivers.removeAll(receiversBefore);
        assertThat(receivers).as("node a's receiver thread").hasSize(1);
        Thread receiver = receivers.iterator().next();
        Node b = buses.start();
        a.bus.deliver(Buses.event(1, alice, bob));   // A has published: from now on it expects to hear itself
        Buses.await("the other node has it", () -> b.deliveredIds().contains(1L));

        suspendWhileWaitingForAPublication(receiver);
        try {
            b.bus.deliver(Buses.event(2, bob, alice));   // wakes A's receiver, which cannot run
            long until = System.nanoTime() + TimeUnit.SECONDS.toNanos(RedisEventBus.DEAF_AFTER_SECONDS + 2);
            while (System.nanoTime() < until) {
                assertThat(a.bus.isUp()).as("node a stays on the bus").isTrue();
                Thread.sleep(50);
            }
            assertThat(a.deliveredIds()).as("the receiver has not run: the other node's event still waits")
                    .containsExactly(1L);
            assertThat(a.connections.closings()).isEmpty();
        } finally {
            receiver.resume();
        }

        Buses.await("the receiver, let run, hands the other node's event over", () -> a.deliveredIds().contains(2L));
        assertThat(a.deliveredIds()).containsExactly(1L, 2L);
        assertThat(a.bus.isUp()).isTrue();
        assertThat(a.connections.closings()).isEmpty();
    }

    private static Set<Thread> receiverThreads() {
        Set<Thread> receivers = new HashSet<>();
        Thread.getAllStackTraces().keySet().forEach(thread -> {
            if (thread.getName().equals("parley-bus-receiver") && thread.isAlive()) {
                receivers.add(thread);
            }
        });
        return receivers;
    }

    /**
     * Suspends {@code receiver} once it is parked in its inbox's {@code take()}, waiting for a publication (it may be
     * handing one of the other node's heartbeats over when first looked at: then it is resumed and caught again).
     */
    @SuppressWarnings("removal")
    private static void suspendWhileWaitingForAPublication(Thread receiver) throws InterruptedException {
        long deadline = System.nanoTime() + Buses.WAIT.toNanos();
        while (true) {
            assertThat(System.nanoTime()).as("waiting until the receiver waits for a publication").isLessThan(deadline);
            if (waitsForAPublication(receiver)) {
                try {
                    receiver.suspend();
                } catch (UnsupportedOperationException noLongerSupported) {
                    Assumptions.abort("this JDK cannot suspend a thread (" + Runtime.version() + ")");
                }
                if (waitsForAPublication(receiver)) {
                    return;
                }
                receiver.resume();
            }
            Thread.sleep(5);
        }
    }

    /** Whether {@code thread} is parked in a {@link LinkedBlockingQueue#take()}, awaiting an element. */
    private static boolean waitsForAPublication(Thread thread) {
        List<String> frames = Arrays.stream(thread.getStackTrace())
                .map(frame -> frame.getClassName() + "." + frame.getMethodName()).toList();
        return thread.getState() == Thread.State.WAITING
                && frames.contains(LinkedBlockingQueue.class.getName() + ".take")
                && frames.stream().anyMatch(frame -> frame.endsWith("ConditionObject.await"));
    }

    @Test
    void aNodeThatLeavesPublishesWhatItStillHadFirst() {
        Node a = buses.start();
        Node b = buses.start();

        LongStream.rangeClosed(1, 500).forEach(id -> a.bus.deliver(Buses.event(id, alice, bob)));
        a.bus.close();

        Buses.await("the other node has everything", () -> b.deliveredIds().size() == 500);
    }

    /**
     * The publisher takes a batch out of the outbox before it sends it: a node leaving in between must still wait for
     * that batch (it once saw an empty outbox and nothing answered, and left without it). Many short rounds of long
     * messages (their encoding widens that window), so that the close often falls into it.
     */
    @Test
    void aNodeLeavingWhileItsPublisherHoldsABatchStillPublishesIt() {
        String longText = "x".repeat(9_000);
        Node b = buses.start();
        for (int round = 0; round < 20; round++) {
            Node a = buses.start();
            long first = round * 1_000L + 1;
            LongStream.range(first, first + 50).forEach(id -> a.bus.deliver(Buses.event(id, alice, bob, longText)));
            a.bus.close();
            int expected = (round + 1) * 50;
            Buses.await("the other node has round " + round, () -> b.deliveredIds().size() == expected);
        }
    }

    @Test
    void aUserChangeIsActedOnByEveryNode() {
        Node a = buses.start();
        Node b = buses.start();

        a.bus.changed(alice);

        assertThat(a.changes.changed()).containsExactly(alice);
        Buses.await("the other node acted", () -> !b.changes.changed().isEmpty());
        assertThat(b.changes.changed()).containsExactly(alice);
        b.bus.deliver(Buses.event(1, bob, alice));
        Buses.await("a later event arrived", () -> a.deliveredIds().contains(1L));
        assertThat(a.changes.changed()).as("acted on once").containsExactly(alice);
    }

    @Test
    void anotherDeploymentOnTheSameRedisHearsNothing() {
        Node a = buses.start();
        Node b = buses.start();
        try (Buses others = new Buses(RedisForTests.url(), RedisForTests.uniqueChannel())) {
            Node stranger = others.start();

            a.bus.deliver(Buses.event(1, alice, bob));
            a.bus.deliver(Buses.event(2, alice, bob));
            stranger.bus.deliver(Buses.event(3, alice, bob));

            Buses.await("the other node of the deployment has both", () -> b.deliveredIds().size() == 2);
            Buses.await("the stranger's node heard itself", () -> stranger.deliveredIds().size() == 1);
            assertThat(stranger.deliveredIds()).containsExactly(3L);
            assertThat(b.deliveredIds()).containsExactly(1L, 2L);
        }
    }

    @Test
    void aRedisThatCannotBeReachedStopsStartUpWithOneLineThatShowsNoPassword() {
        RedisBusSettings unreachable = new RedisBusSettings("redis://parley:s3cret-pass@127.0.0.1:1/0", "parley",
                Duration.ofSeconds(2));

        assertThatThrownBy(() -> RedisEventBus.connect(unreachable, event -> { }, user -> { },
                new org.parley.application.testing.RecordingConnections()))
                .isInstanceOf(RedisBusUnavailable.class)
                .hasMessageStartingWith("Cannot use Redis at redis://127.0.0.1:1/0 (PARLEY_REDIS_URL): ")
                .hasNoCause()
                .satisfies(failure -> assertThat(failure.getMessage()).doesNotContain("s3cret").doesNotContain("\n"));
    }
}
