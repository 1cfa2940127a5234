package org.parley.application.service;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.parley.application.port.in.CheckReadiness.Readiness;
import org.parley.application.port.in.CheckReadiness.State;
import org.parley.application.port.out.ReadinessProbe;

/**
 * Readiness (contract §17): every part named with its state; a part that fails is down, one that hangs is timed out
 * within the probe time-out; answers are shared for the cache interval, and a hanging part is probed by one thread at
 * a time however many checks come.
 */
class CheckReadinessServiceTest {

    private static final Duration TIMEOUT = Duration.ofMillis(300);
    private static final Duration CACHE = Duration.ofSeconds(1);

    private final AtomicLong clock = new AtomicLong(1_000_000_000L);
    private final CountDownLatch release = new CountDownLatch(1);
    private CheckReadinessService service;

    @AfterEach
    void stop() {
        release.countDown();
        if (service != null) {
            service.close();
        }
    }

    @Test
    void everyPartThatAnswersIsUpAndTheNodeIsReady() {
        service = new CheckReadinessService(List.of(answering("database"), answering("bus")), TIMEOUT, CACHE,
                clock::get);

        Readiness readiness = service.check();

        assertThat(readiness.ready()).isTrue();
        assertThat(readiness.parts()).containsExactly(Map.entry("database", State.UP), Map.entry("bus", State.UP));
        assertThat(readiness.failing()).isEmpty();
    }

    @Test
    void aPartThatFailsIsDownAndNamed() {
        service = new CheckReadinessService(List.of(answering("database"), failing("bus")), TIMEOUT, CACHE,
                clock::get);

        Readiness readiness = service.check();

        assertThat(readiness.ready()).isFalse();
        assertThat(readiness.parts()).containsEntry("bus", State.DOWN).containsEntry("database", State.UP);
        assertThat(readiness.failing()).containsExactly("bus");
    }

    @Test
    void aPartThatHangsIsTimedOutWithinTheTimeoutAndProbedByOneThreadAtATime() {
        AtomicInteger probes = new AtomicInteger();
        ReadinessProbe hanging = probe("database", () -> {
            probes.incrementAndGet();
            awaitRelease();
        });
        service = new CheckReadinessService(List.of(hanging), TIMEOUT, CACHE, System::nanoTime);

        long started = System.nanoTime();
        Readiness first = service.check();
        Duration took = Duration.ofNanos(System.nanoTime() - started);

        assertThat(first.parts()).containsExactly(Map.entry("database", State.TIMEOUT));
        assertThat(first.failing()).containsExactly("database");
        assertThat(took).isGreaterThanOrEqualTo(TIMEOUT.minusMillis(10)).isLessThan(TIMEOUT.plusSeconds(2));
        // Later checks (past the cache interval too) join the probe still hanging instead of starting more.
        service.close();
        service = new CheckReadinessService(List.of(hanging), TIMEOUT, Duration.ZERO, System::nanoTime);
        for (int i = 0; i < 3; i++) {
            assertThat(service.check().parts()).containsEntry("database", State.TIMEOUT);
        }
        assertThat(probes.get()).as("one hanging probe per service").isEqualTo(2);
    }

    @Test
    void anAnswerIsSharedForTheCacheIntervalThenAskedAgain() {
        AtomicInteger probes = new AtomicInteger();
        service = new CheckReadinessService(List.of(probe("database", probes::incrementAndGet)), TIMEOUT, CACHE,
                clock::get);

        for (int i = 0; i < 50; i++) {
            assertThat(service.check().ready()).isTrue();
        }
        assertThat(probes.get()).isEqualTo(1);

        clock.addAndGet(CACHE.toNanos());
        assertThat(service.check().ready()).isTrue();
        assertThat(probes.get()).isEqualTo(2);
    }

    @Test
    void aPartThatComesBackIsUpAtTheNextAnswer() {
        AtomicInteger calls = new AtomicInteger();
        service = new CheckReadinessService(List.of(probe("database", () -> {
            if (calls.incrementAndGet() == 1) {
                throw new IllegalStateException("connection refused");
            }
        })), TIMEOUT, CACHE, clock::get);

        assertThat(service.check().parts()).containsEntry("database", State.DOWN);
        clock.addAndGet(CACHE.toNanos());
        assertThat(service.check().parts()).containsEntry("database", State.UP);
    }

    private void awaitRelease() {
        try {
            release.await(10, TimeUnit.SECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    private static ReadinessProbe answering(String part) {
        return probe(part, () -> { });
    }

    private static ReadinessProbe failing(String part) {
        return probe(part, () -> {
            throw new IllegalStateException(part + " is away");
        });
    }

    private static ReadinessProbe probe(String part, Runnable probe) {
        return new ReadinessProbe() {
            @Override
            public String part() {
                return part;
            }

            @Override
            public void probe() {
                probe.run();
            }
        };
    }
}
