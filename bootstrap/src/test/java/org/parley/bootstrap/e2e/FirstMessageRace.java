package org.parley.bootstrap.e2e;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;

import com.fasterxml.jackson.databind.JsonNode;
import org.parley.bootstrap.e2e.People.Person;

/**
 * Many websocket connections that each send one text message at the same moment, released together by a latch: the
 * race that "one thread per pair" must survive. Each seat is one connection, to its server, of the sender, writing to
 * the receiver.
 */
final class FirstMessageRace {

    /** One connection in the race: where it connects, whose it is, and to whom its one message goes. */
    record Seat(String wsBase, Person sender, Person receiver) {
    }

    private FirstMessageRace() {
    }

    /**
     * Connects every seat, sends seat {@code i}'s message {@code "first #i"} from all of them at once, then checks that
     * each connection receives exactly {@code framesPerSocket} frames, each a {@code conf_message} or
     * {@code re_message} for a different message, that all the seats' messages were delivered somewhere, and that the
     * first {@code quietSockets} connections receive nothing more. Closes the connections.
     */
    static void run(List<Seat> seats, int framesPerSocket, int quietSockets) throws Exception {
        List<ChatSocket> sockets = new ArrayList<>();
        ExecutorService pool = Executors.newFixedThreadPool(seats.size());
        try {
            for (Seat seat : seats) {
                sockets.add(ChatSocket.connect(seat.wsBase(), seat.sender().access()));
            }
            CountDownLatch start = new CountDownLatch(1);
            List<Future<?>> sends = new ArrayList<>();
            for (int i = 0; i < seats.size(); i++) {
                ChatSocket socket = sockets.get(i);
                String receiver = seats.get(i).receiver().id();
                String body = "first #" + i;
                sends.add(pool.submit(() -> {
                    start.await();
                    socket.send(Frames.text(receiver, body, "c" + body.hashCode()));
                    return null;
                }));
            }
            start.countDown();
            for (Future<?> send : sends) {
                send.get(20, TimeUnit.SECONDS);
            }

            Set<Long> allIds = new HashSet<>();
            for (ChatSocket socket : sockets) {
                Set<Long> seen = new HashSet<>();
                for (int frame = 0; frame < framesPerSocket; frame++) {
                    JsonNode received = socket.next();
                    assertThat(received.get("action").asText()).as(received.toString()).isIn("conf_message", "re_message");
                    assertThat(seen.add(received.get("created_msg_id").asLong())).as("delivered once").isTrue();
                }
                allIds.addAll(seen);
            }
            assertThat(allIds).hasSize(seats.size());
            for (ChatSocket socket : sockets.subList(0, quietSockets)) {
                assertThat(socket.poll(Duration.ofMillis(300))).as("no extra frame").isNull();
            }
        } finally {
            sockets.forEach(ChatSocket::close);
            pool.shutdownNow();
        }
    }
}
