package org.parley.adapter.redis;

import static org.assertj.core.api.Assertions.assertThat;

import java.net.URL;
import java.net.URLClassLoader;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicReference;

import io.lettuce.core.KillArgs;
import io.lettuce.core.RedisClient;
import io.lettuce.core.RedisFuture;
import io.lettuce.core.api.StatefulRedisConnection;
import io.lettuce.core.codec.ByteArrayCodec;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.parley.adapter.redis.Buses.Node;
import org.parley.adapter.redis.testing.RedisServer;
import org.parley.application.port.out.EventDelivery;
import org.parley.application.port.out.MessageStored;
import org.parley.application.port.out.OpenConnections;
import org.parley.domain.user.UserId;

/**
 * The closes of every connection the bus orders (a loss, receiving again, an overflowing inbox) run on the bus's closer
 * thread, and nothing received reaches a connection before a close asked for has run: a connection that missed frames
 * and got one received after the gap before its 1012 would catch up from that frame's id ({@code after=}) and never get
 * the ones it missed. Closing is slow here (as with thousands of connections), and a Redis of this test's own.
 */
class BusClosesTest {

    private static final byte[] CHANNEL = "parley:events".getBytes(StandardCharsets.UTF_8);
    private static final long FROM_B = 5_000_000;
    private static final long AFTER_GAP = 7_000_000;

    private final RedisServer redis = RedisServer.start();
    private final Buses buses = new Buses(redis.url(), "parley");
    private final UserId alice = UserId.random();
    private final UserId bob = UserId.random();
    private final List<String> log = new CopyOnWriteArrayList<>();

    @AfterEach
    void stop() {
        buses.close();
        redis.close();
    }

    /** A close that takes a while (thousands of connections), ignoring interrupts as the websockets' does; logged. */
    private OpenConnections slowClosing(long millis, AtomicInteger closes) {
        return Buses.closingAll(() -> {
            int close = closes.incrementAndGet();
            log.add("close " + close + " begins on " + Thread.currentThread().getName());
            sleepUninterruptibly(millis);
            log.add("close " + close + " ends");
        });
    }

    private EventDelivery logging(CountDownLatch held, CountDownLatch released, boolean[] armed) {
        return event -> {
            long id = ((MessageStored) event).message().id().value();
            log.add("deliver " + id);
            if (armed[0] && id == FROM_B) {
                held.countDown();
                Buses.awaitQuietly(released);
            }
        };
    }

    /**
     * Node A's receiver is held in a delivery while a third node floods the bus, until A's inbox overflows: A drops
     * what it holds and closes every connection. An event B sends once the receiver goes on must wait for that close.
     */
    @Test
    void aFrameReceivedAfterTheInboxOverflowedIsNotDeliveredBeforeTheOverflowsCloseHasRun() throws Exception {
        CountDownLatch held = new CountDownLatch(1);
        CountDownLatch released = new CountDownLatch(1);
        boolean[] armed = {false};
        AtomicInteger closes = new AtomicInteger();
        RedisEventBus a = RedisEventBus.connect(new RedisBusSettings(redis.url(), "parley", Duration.ofSeconds(5)),
                logging(held, released, armed), user -> { }, slowClosing(2_000, closes));
        Node b = buses.start();
        RedisClient admin = RedisClient.create(redis.url());
        try {
            b.bus.deliver(Buses.event(1, bob, alice));
            Buses.await("A got B's first event", () -> log.contains("deliver 1"));
            armed[0] = true;
            b.bus.deliver(Buses.event(FROM_B, bob, alice));
            assertThat(held.await(Buses.WAIT.toMillis(), TimeUnit.MILLISECONDS)).isTrue();
            StatefulRedisConnection<byte[], byte[]> thirdNode = admin.connect(ByteArrayCodec.INSTANCE);
            thirdNode.setAutoFlushCommands(false);
            for (long sequence = 1; closes.get() == 0 && sequence <= 50_000; sequence++) {
                thirdNode.async().publish(CHANNEL, BusCodec.encode("a-third-node", sequence, List.of()));
                if (sequence % 1_000 == 0) {
                    RedisFuture<String> answered = thirdNode.async().ping();
                    thirdNode.flushCommands();
                    answered.get(Buses.WAIT.toMillis(), TimeUnit.MILLISECONDS);
                    Thread.sleep(20);
                }
            }
            Buses.await("A's inbox overflowed and A began closing", () -> closes.get() == 1);
            released.countDown();
            b.bus.deliver(Buses.event(AFTER_GAP, bob, alice));
            Buses.await("A delivered B's event sent after the gap, and the close ended",
                    () -> log.contains("deliver " + AFTER_GAP) && log.contains("close 1 ends"));
            assertThat(log.indexOf("deliver " + AFTER_GAP))
                    .as("frame after the gap handed over only after the overflow's close: " + log)
                    .isGreaterThan(log.indexOf("close 1 ends"));
        } finally {
            released.countDown();
            a.close();
            admin.shutdown();
        }
    }

    /**
     * A's subscribing connection is cut and comes back: the loss's close and the rejoin's (of connections opened during
     * the outage, which missed frames) run one after the other, slowly. An event B sends after the rejoin must wait
     * for the rejoin's close.
     */
    @Test
    void aFrameReceivedAfterTheRejoinIsNotDeliveredBeforeTheRejoinsCloseHasRun() throws Exception {
        String clientName = "parley-node-a";
        AtomicInteger closes = new AtomicInteger();
        RedisEventBus a = RedisEventBus.connect(Buses.named(redis.url(), clientName),
                logging(new CountDownLatch(1), new CountDownLatch(0), new boolean[] {false}), user -> { },
                slowClosing(1_500, closes));
        Node b = buses.start();
        RedisClient admin = RedisClient.create(redis.url());
        try (StatefulRedisConnection<String, String> commands = admin.connect()) {
            b.bus.deliver(Buses.event(1, bob, alice));
            Buses.await("A got B's first event", () -> log.contains("deliver 1"));
            commands.sync().clientKill(KillArgs.Builder.id(Buses.connectionOf(clientName, " sub=1 ", commands)));
            Buses.await("A lost its subscriber and rejoined", () -> a.transitions() == 2);
            b.bus.deliver(Buses.event(AFTER_GAP, bob, alice));
            Buses.await("A delivered B's event and both closes ended",
                    () -> log.contains("deliver " + AFTER_GAP) && log.contains("close 2 ends"));
            assertThat(log.indexOf("deliver " + AFTER_GAP))
                    .as("frame received after the rejoin handed over only after the rejoin's close: " + log)
                    .isGreaterThan(log.indexOf("close 2 ends"));
        } finally {
            a.close();
            admin.shutdown();
        }
    }

    /**
     * Only A's publishing connection is away (Redis now wants a password, and only the publisher reconnects): its
     * subscriber goes on receiving, with no gap, so what B publishes still reaches A's connections, those opened
     * after the loss's close among them.
     */
    @Test
    void whileOnlyThePublisherIsAwayWhatIsReceivedIsStillDelivered() throws Exception {
        String clientName = "parley-node-a";
        AtomicInteger closes = new AtomicInteger();
        RedisEventBus a = RedisEventBus.connect(Buses.named(redis.url(), clientName),
                logging(new CountDownLatch(1), new CountDownLatch(0), new boolean[] {false}), user -> { },
                slowClosing(10, closes));
        Node b = buses.start();
        RedisClient admin = RedisClient.create(redis.url());
        try (StatefulRedisConnection<String, String> commands = admin.connect()) {
            b.bus.deliver(Buses.event(1, bob, alice));
            Buses.await("A got B's first event", () -> log.contains("deliver 1"));
            int closesBefore = closes.get();
            commands.sync().configSet("requirepass", "only-the-admin-knows");
            try {
                commands.sync().clientKill(KillArgs.Builder.id(Buses.connectionOf(clientName, " sub=0 ", commands)));
                Buses.await("A lost the bus and closed its connections", () -> closes.get() == closesBefore + 1
                        && log.contains("close " + (closesBefore + 1) + " ends"));
                assertThat(a.isUp()).isFalse();

                b.bus.deliver(Buses.event(2, bob, alice));
                Buses.await("B's event delivered on A while A cannot publish", () -> log.contains("deliver 2"));
                assertThat(closes.get()).as("no close since the loss's").isEqualTo(closesBefore + 1);
            } finally {
                commands.sync().auth("only-the-admin-knows");
                commands.sync().configSet("requirepass", "");
            }
            Buses.await("A rejoined", a::isUp);
        } finally {
            a.close();
            admin.shutdown();
        }
    }

    /**
     * Closing the bus (the node stops) waits for a close under way, which ignores interrupts as the websockets' does,
     * and drops those not begun: once {@code close()} has returned, no connection is closed by the bus.
     */
    @Test
    void noCloseRunsOnceTheBusIsClosed() throws Exception {
        String clientName = "parley-node-a";
        AtomicInteger closes = new AtomicInteger();
        CountDownLatch begun = new CountDownLatch(1);
        OpenConnections connections = Buses.closingAll(() -> {
            int close = closes.incrementAndGet();
            begun.countDown();
            sleepUninterruptibly(1_000);
            log.add("close " + close + " ends");
        });
        RedisEventBus a = RedisEventBus.connect(Buses.named(redis.url(), clientName),
                event -> { }, user -> { }, connections);
        RedisClient admin = RedisClient.create(redis.url());
        try (StatefulRedisConnection<String, String> commands = admin.connect()) {
            commands.sync().clientKill(KillArgs.Builder.id(Buses.connectionOf(clientName, " sub=1 ", commands)));
            assertThat(begun.await(Buses.WAIT.toMillis(), TimeUnit.MILLISECONDS)).isTrue();
            Buses.await("resubscribed, its close queued behind the loss's", () -> a.transitions() == 2);

            a.close();
            List<String> whenClosed = List.copyOf(log);
            Thread.sleep(1_500);

            assertThat(whenClosed).as("the close under way, waited for").containsExactly("close 1 ends");
            assertThat(log).as("nothing closed after close() returned").isEqualTo(whenClosed);
            assertThat(closes.get()).as("the resubscription's close, not begun, dropped").isEqualTo(1);
            assertThat(a.isUp()).as("a closed bus is not up").isFalse();
        } finally {
            a.close();
            admin.shutdown();
        }
    }

    /** The closer thread keeps nothing of the context of the thread that connected the bus (a web request's, say). */
    @Test
    void theCloserThreadTakesNoContextOfTheThreadThatConnected() throws Exception {
        String clientName = "parley-node-a";
        InheritableThreadLocal<String> tenant = new InheritableThreadLocal<>();
        ClassLoader foreign = new URLClassLoader(new URL[0], getClass().getClassLoader());
        AtomicReference<ClassLoader> closerLoader = new AtomicReference<>();
        AtomicReference<String> closerTenant = new AtomicReference<>("unset");
        CountDownLatch closed = new CountDownLatch(1);
        OpenConnections connections = Buses.closingAll(() -> {
            closerLoader.compareAndSet(null, Thread.currentThread().getContextClassLoader());
            closerTenant.compareAndSet("unset", tenant.get());
            closed.countDown();
        });
        AtomicReference<RedisEventBus> bus = new AtomicReference<>();
        Thread caller = new Thread(() -> {
            tenant.set("request of tenant 42");
            bus.set(RedisEventBus.connect(Buses.named(redis.url(), clientName),
                    event -> { }, user -> { }, connections));
        }, "a web request's worker");
        caller.setContextClassLoader(foreign);
        caller.start();
        caller.join();
        RedisEventBus a = bus.get();
        RedisClient admin = RedisClient.create(redis.url());
        try (StatefulRedisConnection<String, String> commands = admin.connect()) {
            commands.sync().clientKill(KillArgs.Builder.id(Buses.connectionOf(clientName, " sub=0 ", commands)));
            assertThat(closed.await(Buses.WAIT.toMillis(), TimeUnit.MILLISECONDS)).isTrue();
            assertThat(closerTenant.get()).as("inheritable thread-local on the closer").isNull();
            assertThat(closerLoader.get()).as("context class loader of the closer").isNotSameAs(foreign);
        } finally {
            a.close();
            admin.shutdown();
        }
    }

    private static void sleepUninterruptibly(long millis) {
        long deadline = System.nanoTime() + TimeUnit.MILLISECONDS.toNanos(millis);
        boolean interrupted = false;
        while (System.nanoTime() < deadline) {
            try {
                Thread.sleep(Math.max(1, TimeUnit.NANOSECONDS.toMillis(deadline - System.nanoTime())));
            } catch (InterruptedException e) {
                interrupted = true;
            }
        }
        if (interrupted) {
            Thread.currentThread().interrupt();
        }
    }
}
