package org.parley.adapter.rest;

import java.lang.management.ManagementFactory;
import java.nio.file.Path;
import java.util.Arrays;

import jdk.jfr.Configuration;
import jdk.jfr.Recording;
import org.junit.jupiter.api.Test;
import org.parley.domain.chat.Message;
import org.parley.domain.user.User;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * What one catch-up ({@code GET /chat/messages/<peer>/?after=<id>}, the request every client sends after a reconnect)
 * costs the server's threads, counted, not timed: bytes allocated and CPU time on Grizzly's threads (its selector and
 * workers: Jersey's routing, filters, injection and JSON) per request, the use cases running over in-memory stores.
 * With {@code -Dparley.probe.jfr=<file>} the measured requests are also recorded with JFR's profile settings;
 * {@code -Dparley.probe.requests=} and {@code -Dparley.probe.warmUp=} change the counts (run with
 * {@code -DargLine=-Xint} to see what a cold, interpreted server pays).
 */
class CatchUpRequestCostTest {

    private static final int ROUNDS = 5;
    private static final int REQUESTS = Integer.getInteger("parley.probe.requests", 400);
    private static final int WARM_UP = Integer.getInteger("parley.probe.warmUp", 2_000);

    @Test
    void a_catch_up_allocates_little_on_the_servers_threads() throws Exception {
        try (TestApi api = TestApi.start()) {
            User me = api.user("me@example.com", "Me");
            User peer = api.user("peer@example.com", "Peer");
            Message first = api.text(peer, me, "hello");
            api.text(peer, me, "are you back?");
            api.text(me, peer, "yes");
            String path = "/chat/messages/" + peer.id() + "/?after=" + first.id().value();
            String token = api.tokenFor(me);
            for (int i = 0; i < WARM_UP; i++) { // warm-up: the JIT, Jersey's lazily built parts
                assertThat(api.get(path, token).status()).isEqualTo(200);
            }
            String jfr = System.getProperty("parley.probe.jfr");
            Recording recording = null;
            if (jfr != null) {
                recording = new Recording(Configuration.getConfiguration("profile"));
                recording.start();
            }
            long[] bytes = new long[ROUNDS];
            long[] cpu = new long[ROUNDS];
            for (int round = 0; round < ROUNDS; round++) {
                long bytesBefore = serverAllocatedBytes();
                long cpuBefore = serverCpuNanos();
                for (int i = 0; i < REQUESTS; i++) {
                    TestApi.Reply reply = api.get(path, token);
                    if (reply.status() != 200) {
                        throw new AssertionError("catch-up answered " + reply.status() + ": " + reply.body());
                    }
                }
                bytes[round] = (serverAllocatedBytes() - bytesBefore) / REQUESTS;
                cpu[round] = (serverCpuNanos() - cpuBefore) / REQUESTS;
            }
            if (recording != null) {
                recording.stop();
                recording.dump(Path.of(jfr));
                recording.close();
            }
            Arrays.sort(bytes);
            Arrays.sort(cpu);
            System.out.printf("catch-up on the server's threads: %d B allocated (least of %d rounds, median %d), "
                    + "%d us of CPU (least; median %d) per request%n",
                    bytes[0], ROUNDS, bytes[ROUNDS / 2], cpu[0] / 1_000, cpu[ROUNDS / 2] / 1_000);
            // 69 KB when this test was written (74 KB before @Context Caller); far more means a per-request cost came back.
            assertThat(bytes[0]).isPositive().isLessThan(100_000);
            assertThat(api.get(path, token).data().get("messages").size()).isEqualTo(2);
        }
    }

    private static long serverAllocatedBytes() {
        com.sun.management.ThreadMXBean threads = (com.sun.management.ThreadMXBean) ManagementFactory.getThreadMXBean();
        long sum = 0;
        for (Thread thread : Thread.getAllStackTraces().keySet()) {
            if (thread.getName().contains("grizzly")) {
                sum += Math.max(0, threads.getThreadAllocatedBytes(thread.getId()));
            }
        }
        return sum;
    }

    private static long serverCpuNanos() {
        java.lang.management.ThreadMXBean threads = ManagementFactory.getThreadMXBean();
        long sum = 0;
        for (Thread thread : Thread.getAllStackTraces().keySet()) {
            if (thread.getName().contains("grizzly")) {
                sum += Math.max(0, threads.getThreadCpuTime(thread.getId()));
            }
        }
        return sum;
    }
}
