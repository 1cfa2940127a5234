package org.parley.application.testing;

import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.Objects;
import java.util.concurrent.atomic.AtomicReference;

import org.parley.application.port.out.TimeSource;

/** A {@link TimeSource} that stands still until a test moves it. Like the real one, it answers in microseconds. */
public final class ManualTimeSource implements TimeSource {

    /** Where a clock built without an instant starts. */
    public static final Instant DEFAULT_START = Instant.parse("2025-03-14T10:07:31.270646Z");

    private final AtomicReference<Instant> now;

    public ManualTimeSource() {
        this(DEFAULT_START);
    }

    public ManualTimeSource(Instant start) {
        this.now = new AtomicReference<>(truncate(start));
    }

    @Override
    public Instant now() {
        return now.get();
    }

    public void set(Instant instant) {
        now.set(truncate(instant));
    }

    /** Moves the clock forward (or back, for a negative amount) and returns the new time. */
    public Instant advance(Duration amount) {
        Objects.requireNonNull(amount, "amount");
        return now.updateAndGet(current -> truncate(current.plus(amount)));
    }

    private static Instant truncate(Instant instant) {
        return Objects.requireNonNull(instant, "instant").truncatedTo(ChronoUnit.MICROS);
    }
}
