package org.parley.bootstrap;

import java.time.Duration;
import java.util.Objects;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;

import org.parley.application.port.in.SweepOrphanedAttachments;
import org.parley.application.port.in.SweepOrphanedAttachments.Swept;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Runs {@link SweepOrphanedAttachments} once at start-up, before the server listens, and then every {@code every} on
 * a daemon thread of its own, so an orphan lives at most about twice the orphan age. Logs one line for each sweep that
 * removed something (how many files, how many bytes) and nothing for one that did not; a sweep that fails (the
 * database or the disk unavailable) logs one warning and the next one tries again — it never stops start-up.
 */
final class OrphanSweeps implements AutoCloseable {

    private static final Logger LOG = LoggerFactory.getLogger(OrphanSweeps.class);

    private final SweepOrphanedAttachments sweeper;
    private final ScheduledExecutorService timer;

    private OrphanSweeps(SweepOrphanedAttachments sweeper, Duration every) {
        this.sweeper = sweeper;
        this.timer = Executors.newSingleThreadScheduledExecutor(runnable -> {
            Thread thread = new Thread(runnable, "parley-orphan-sweeper");
            thread.setDaemon(true);
            return thread;
        });
        timer.scheduleWithFixedDelay(this::sweepOnce, every.toMillis(), every.toMillis(), TimeUnit.MILLISECONDS);
    }

    /** Sweeps once now, on the caller's thread, then starts the periodic sweeps. */
    static OrphanSweeps start(SweepOrphanedAttachments sweeper, Duration every) {
        Objects.requireNonNull(sweeper, "sweeper");
        Objects.requireNonNull(every, "every");
        sweepOnce(sweeper);
        return new OrphanSweeps(sweeper, every);
    }

    private void sweepOnce() {
        sweepOnce(sweeper);
    }

    private static void sweepOnce(SweepOrphanedAttachments sweeper) {
        try {
            Swept swept = sweeper.sweep();
            if (swept.removedAny()) {
                LOG.info("Removed {} orphaned attachment file(s), {} bytes, that no message names", swept.files(),
                        swept.bytes());
            }
        } catch (RuntimeException e) {
            LOG.warn("Sweeping orphaned attachment files failed ({}); the next sweep tries again", e.toString());
        }
    }

    @Override
    public void close() {
        timer.shutdownNow();
    }
}
