package org.parley.bootstrap.e2e;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;

/** Waiting for a node's {@code GET /health/ready} (contract §17) to answer a given status. */
final class Readiness {

    private static final Duration WAIT = Duration.ofSeconds(20);

    private Readiness() {
    }

    /**
     * Asks {@code /health/ready} of {@code api} every 100 ms until it answers {@code status}, for at most 20 s; each
     * answer must come within {@code answerBound} and be 200 or 503.
     *
     * @return the answer with {@code status}
     */
    static HttpApi.Reply await(HttpApi api, int status, Duration answerBound) throws InterruptedException {
        long deadline = System.nanoTime() + WAIT.toNanos();
        while (true) {
            long asked = System.nanoTime();
            HttpApi.Reply ready = api.get("/health/ready", null);
            assertThat(Duration.ofNanos(System.nanoTime() - asked)).as("a readiness answer").isLessThan(answerBound);
            assertThat(ready.status()).as(ready.raw()).isIn(200, 503);
            if (ready.status() == status) {
                return ready;
            }
            assertThat(System.nanoTime()).as("readiness %d within 20 s; last: %s", status, ready.raw())
                    .isLessThan(deadline);
            Thread.sleep(100);
        }
    }
}
