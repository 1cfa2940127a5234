package org.parley.application.cluster;

import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.Map;
import java.util.Objects;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicInteger;

import org.parley.application.port.out.TimeSource;
import org.parley.application.port.out.TypingThrottle;
import org.parley.domain.user.UserId;

/**
 * The typing throttle of this one node ({@link TypingThrottle} without a bus, and in front of the Redis one so that a
 * repeated notice is dropped without asking Redis): per sender and receiver, when the last notice passed. Thread-safe;
 * entries older than the window are swept every {@value #SWEEP_EVERY} calls, so memory is bounded by the pairs typing
 * within about one window.
 */
public final class LocalTypingThrottle implements TypingThrottle {

    static final int SWEEP_EVERY = 1_024;

    private final TimeSource time;
    private final long windowMicros;
    private final Map<Pair, Long> passedAtMicros = new ConcurrentHashMap<>();
    private final AtomicInteger calls = new AtomicInteger();

    /** With the contract's window ({@link #WINDOW_MILLIS}). */
    public LocalTypingThrottle(TimeSource time) {
        this(time, WINDOW_MILLIS);
    }

    LocalTypingThrottle(TimeSource time, long windowMillis) {
        this.time = Objects.requireNonNull(time, "time");
        this.windowMicros = windowMillis * 1_000;
    }

    @Override
    public boolean tryPass(UserId sender, UserId receiver) {
        long now = micros(time.now());
        if (calls.incrementAndGet() % SWEEP_EVERY == 0) {
            passedAtMicros.values().removeIf(passed -> now - passed >= windowMicros);
        }
        boolean[] passed = new boolean[1];
        passedAtMicros.compute(new Pair(sender, receiver), (pair, last) -> {
            if (last != null && now - last < windowMicros && now >= last) {
                return last;
            }
            passed[0] = true;
            return now;
        });
        return passed[0];
    }

    /** Holds the pair until {@code left} from now: as if its last notice had passed a window minus that ago. */
    @Override
    public void refusedElsewhere(UserId sender, UserId receiver, Duration left) {
        long leftMicros = Math.min(windowMicros, Math.max(0, left.toNanos() / 1_000));
        if (leftMicros == 0) {
            passedAtMicros.remove(new Pair(sender, receiver));
            return;
        }
        long now = micros(time.now());
        passedAtMicros.put(new Pair(sender, receiver), now - windowMicros + leftMicros);
    }

    /** Pairs remembered now (tests: memory stays bounded). */
    int remembered() {
        return passedAtMicros.size();
    }

    private static long micros(Instant instant) {
        return ChronoUnit.MICROS.between(Instant.EPOCH, instant);
    }

    private record Pair(UserId sender, UserId receiver) {
    }
}
