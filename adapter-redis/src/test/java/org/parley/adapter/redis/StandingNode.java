package org.parley.adapter.redis;

import java.io.IOException;
import java.io.InputStream;
import java.time.Duration;
import java.time.Instant;
import java.util.Collection;

import org.parley.application.port.out.OpenConnections;
import org.parley.application.testing.RecordingEventDelivery;
import org.parley.application.testing.RecordingUserChanges;
import org.parley.domain.user.UserId;

/**
 * A node of its own, in a process of its own, for a test that stops the whole process ({@code kill -STOP}) as a long
 * garbage collection or a frozen virtual machine does. Arguments: the Redis URL, the deployment's channel and,
 * optionally, {@code busy} (it then publishes a message's event every 2 ms). It prints, one line each on standard
 * output: {@code NODE joined} once its bus is connected, {@code NODE closed all} whenever the bus closes every
 * connection to catch up, {@code NODE up} and {@code NODE down} whenever the bus's readiness changes (looked at every
 * 50 ms). It closes its bus and ends when its standard input ends.
 */
public final class StandingNode {

    private StandingNode() {
    }

    public static void main(String[] arguments) throws IOException {
        RedisBusSettings settings = new RedisBusSettings(arguments[0], arguments[1], Duration.ofSeconds(5));
        RedisEventBus bus = RedisEventBus.connect(settings, new RecordingEventDelivery(), new RecordingUserChanges(),
                new OpenConnections() {
                    @Override
                    public void closeAllToCatchUp(Instant openedBefore) {
                        say("closed all");
                    }

                    @Override
                    public void closeToCatchUp(Collection<UserId> users, Instant openedBefore) {
                    }

                    @Override
                    public void closeDeactivated(UserId user) {
                    }
                });
        say("joined");
        if (arguments.length > 2 && arguments[2].equals("busy")) {
            Thread busy = new Thread(() -> publishEvery2Ms(bus), "standing-node-busy");
            busy.setDaemon(true);
            busy.start();
        }
        Thread watcher = new Thread(() -> {
            boolean up = true;
            while (true) {
                boolean now = bus.isUp();
                if (now != up) {
                    up = now;
                    say(up ? "up" : "down");
                }
                try {
                    Thread.sleep(50);
                } catch (InterruptedException e) {
                    return;
                }
            }
        }, "standing-node-watcher");
        watcher.setDaemon(true);
        watcher.start();
        InputStream in = System.in;
        while (in.read() >= 0) {
            // until the test closes our standard input
        }
        bus.close();
    }

    /** Delivers (and so publishes) a message's event every 2 ms, as a busy node does. */
    private static void publishEvery2Ms(RedisEventBus bus) {
        UserId sender = UserId.random();
        UserId receiver = UserId.random();
        for (long id = 1; ; id++) {
            bus.deliver(Buses.event(id, sender, receiver));
            try {
                Thread.sleep(2);
            } catch (InterruptedException e) {
                return;
            }
        }
    }

    private static synchronized void say(String what) {
        System.out.println("NODE " + what);
        System.out.flush();
    }
}
