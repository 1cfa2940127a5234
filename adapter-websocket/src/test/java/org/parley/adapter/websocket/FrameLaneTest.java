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
}
