package org.parley.adapter.websocket;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Executor;
import java.util.concurrent.RejectedExecutionException;

import org.junit.jupiter.api.Test;

/** {@link FrameLane} on its own: order, one task at a time, the bound on what waits, a stopped pool. */
class FrameLaneTest {

    /** Holds what it is given until the test runs it, as a worker pool that has not got round to it yet. */
    private static final class HeldWorkers implements Executor {
        final ArrayDeque<Runnable> held = new ArrayDeque<>();
        boolean stopped;

        @Override
        public void execute(Runnable task) {
            if (stopped) {
                throw new RejectedExecutionException("stopped");
            }
            held.add(task);
        }

        void runAll() {
            while (!held.isEmpty()) {
                held.poll().run();
            }
        }
    }

    @Test
    void tasksRunOneAfterTheOtherInSubmissionOrderOnOneWorker() {
        HeldWorkers workers = new HeldWorkers();
        FrameLane lane = new FrameLane(workers, 1_000);
        List<String> ran = new ArrayList<>();
        assertThat(lane.idle()).isTrue();
        assertThat(lane.offerFrame(() -> ran.add("a"), 10)).isEqualTo(FrameLane.Offer.QUEUED);
        assertThat(lane.idle()).isFalse();
        assertThat(lane.offerFrame(() -> ran.add("b"), 10)).isEqualTo(FrameLane.Offer.QUEUED);
        assertThat(lane.submit(() -> ran.add("c"))).isTrue();
        assertThat(workers.held).as("one worker task carries the whole lane").hasSize(1);
        workers.runAll();
        assertThat(ran).containsExactly("a", "b", "c");
        assertThat(lane.idle()).isTrue();
    }

    /**
     * A task of the lane knows it runs there ({@link FrameLane#runningHere}): a close Tyrus reports while the lane feeds
     * it the client's close frame is handled at once (the census lease released before the close reply), not queued
     * behind the task that reported it. No other thread, and no thread once the lane is idle, runs here.
     */
    @Test
    void onlyTheThreadRunningTheLanesTaskRunsHere() throws Exception {
        HeldWorkers workers = new HeldWorkers();
        FrameLane lane = new FrameLane(workers, 1_000);
        List<Boolean> seen = new ArrayList<>();
        assertThat(lane.runningHere()).isFalse();
        lane.submit(() -> {
            seen.add(lane.runningHere());
            Thread other = new Thread(() -> seen.add(lane.runningHere()));
            other.start();
            try {
                other.join();
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        });
        lane.submit(() -> seen.add(lane.runningHere()));
        assertThat(lane.runningHere()).as("submitted, not running yet").isFalse();
        workers.runAll();
        assertThat(seen).containsExactly(true, false, true);
        assertThat(lane.runningHere()).as("idle again").isFalse();
    }

    /**
     * An idle connection's lane is a flag: its queue is made only when a task must wait behind another, and let go
     * once the lane is idle again (docs/PERFORMANCE.md, "Idle connections").
     */
    @Test
    void theQueueExistsOnlyWhileTasksWait() {
        HeldWorkers workers = new HeldWorkers();
        FrameLane lane = new FrameLane(workers, 1_000);
        List<String> ran = new ArrayList<>();
        assertThat(lane.holdsAQueue()).isFalse();
        lane.offerFrame(() -> ran.add("a"), 10);
        assertThat(lane.holdsAQueue()).as("the first task runs at once: nothing waits").isFalse();
        lane.offerFrame(() -> ran.add("b"), 10);
        assertThat(lane.holdsAQueue()).isTrue();
        workers.runAll();
        assertThat(ran).containsExactly("a", "b");
        assertThat(lane.holdsAQueue()).isFalse();
        assertThat(lane.idle()).isTrue();
    }

    @Test
    void aFrameThatWouldMakeTheWaitingTextExceedTheBoundIsRefusedAndNothingIsQueued() {
        HeldWorkers workers = new HeldWorkers();
        FrameLane lane = new FrameLane(workers, 100);
        List<String> ran = new ArrayList<>();
        assertThat(lane.offerFrame(() -> ran.add("running"), 5_000)).as("the one that runs at once is never refused")
                .isEqualTo(FrameLane.Offer.QUEUED);
        assertThat(lane.offerFrame(() -> ran.add("w1"), 60)).isEqualTo(FrameLane.Offer.QUEUED);
        assertThat(lane.offerFrame(() -> ran.add("w2"), 40)).as("exactly at the bound").isEqualTo(FrameLane.Offer.QUEUED);
        assertThat(lane.offerFrame(() -> ran.add("refused"), 1)).isEqualTo(FrameLane.Offer.FULL);
        assertThat(lane.submit(() -> ran.add("close"))).as("a close or error task is never refused").isTrue();
        workers.runAll();
        assertThat(ran).containsExactly("running", "w1", "w2", "close");
        assertThat(lane.idle()).isTrue();
    }

    @Test
    void whatRanNoLongerCountsAgainstTheBound() {
        List<String> ran = new ArrayList<>();
        List<FrameLane.Offer> offersWhileRunning = new ArrayList<>();
        HeldWorkers workers = new HeldWorkers();
        FrameLane lane = new FrameLane(workers, 100);
        lane.offerFrame(() -> ran.add("first"), 10);
        // While w1 runs (taken out of the queue), the 100 units it weighed are free again: w3 fits beside w2.
        lane.offerFrame(() -> {
            ran.add("w1");
            offersWhileRunning.add(lane.offerFrame(() -> ran.add("w3"), 100));
        }, 100);
        assertThat(lane.offerFrame(() -> ran.add("never"), 1)).isEqualTo(FrameLane.Offer.FULL);
        workers.runAll();
        assertThat(offersWhileRunning).containsExactly(FrameLane.Offer.QUEUED);
        assertThat(ran).containsExactly("first", "w1", "w3");
    }

    @Test
    void aStoppedPoolRefusesAndLeavesTheLaneIdle() {
        HeldWorkers workers = new HeldWorkers();
        workers.stopped = true;
        FrameLane lane = new FrameLane(workers, 100);
        assertThat(lane.offerFrame(() -> { }, 10)).isEqualTo(FrameLane.Offer.STOPPED);
        assertThat(lane.submit(() -> { })).isFalse();
        assertThat(lane.idle()).isTrue();
    }

    /**
     * The queue made and let go while a reader offers and a worker drains at once (as a selector thread reading and a
     * worker running the lane): frames run exactly once, in arrival order, never two at once, the text waiting never
     * goes past the bound nor is miscounted, and the lane ends idle without a queue.
     */
    @Test
    void aReaderOfferingWhileAWorkerDrainsKeepsOrderAndTheBound() throws Exception {
        java.util.concurrent.ExecutorService pool = java.util.concurrent.Executors.newFixedThreadPool(2);
        try {
            int frames = 200_000;
            long bound = 16;
            Thread reader = Thread.currentThread();
            FrameLane lane = new FrameLane(pool, bound);
            int[] ran = new int[frames];
            java.util.concurrent.atomic.AtomicInteger next = new java.util.concurrent.atomic.AtomicInteger();
            java.util.concurrent.atomic.AtomicInteger running = new java.util.concurrent.atomic.AtomicInteger();
            java.util.concurrent.atomic.AtomicInteger outOfOrder = new java.util.concurrent.atomic.AtomicInteger();
            java.util.concurrent.atomic.AtomicInteger overlapping = new java.util.concurrent.atomic.AtomicInteger();
            int refused = 0;
            for (int i = 0; i < frames; i++) {
                int frame = i;
                Runnable task = () -> {
                    if (running.incrementAndGet() != 1) {
                        overlapping.incrementAndGet();
                    }
                    ran[frame]++;
                    long until = System.nanoTime() + 5_000;
                    while (Thread.currentThread() != reader && System.nanoTime() < until) {
                        Thread.onSpinWait(); // a worker slower than the reader: the bound is reached
                    }
                    if (next.getAndSet(frame + 1) > frame) {
                        outOfOrder.incrementAndGet();
                    }
                    running.decrementAndGet();
                };
                if (i % 10 != 0 && lane.idle()) {
                    task.run(); // on the reading thread, as a hot frame is; every tenth is cold: always offered
                } else {
                    FrameLane.Offer offer = lane.offerFrame(task, 1 + (i % 8));
                    if (offer == FrameLane.Offer.FULL) {
                        refused++;
                        ran[frame] = -1;
                    } else {
                        assertThat(offer).isEqualTo(FrameLane.Offer.QUEUED);
                    }
                }
            }
            long deadline = System.nanoTime() + java.util.concurrent.TimeUnit.SECONDS.toNanos(30);
            while (!lane.idle() && System.nanoTime() < deadline) {
                Thread.sleep(1);
            }
            assertThat(lane.idle()).isTrue();
            assertThat(lane.holdsAQueue()).isFalse();
            assertThat(overlapping.get()).as("frames run at once").isZero();
            assertThat(outOfOrder.get()).as("frames run out of order").isZero();
            for (int i = 0; i < frames; i++) {
                assertThat(ran[i]).as("times frame %d ran", i).isIn(-1, 1);
            }
            // Nothing waits: a frame of the whole bound waits behind a running one, one unit more is refused.
            java.util.concurrent.CountDownLatch release = new java.util.concurrent.CountDownLatch(1);
            assertThat(lane.submit(() -> {
                try {
                    release.await();
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                }
            })).isTrue();
            assertThat(lane.offerFrame(() -> { }, bound)).as("the count of waiting text went back to 0")
                    .isEqualTo(FrameLane.Offer.QUEUED);
            assertThat(lane.offerFrame(() -> { }, 1)).isEqualTo(FrameLane.Offer.FULL);
            release.countDown();
            assertThat(refused).as("the bound was reached").isPositive();
        } finally {
            pool.shutdownNow();
        }
    }
}
