package org.parley.application.cluster;

import java.time.Duration;
import java.time.Instant;
import java.util.Map;
import java.util.Objects;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicLong;

import org.parley.application.port.out.Admission;
import org.parley.application.port.out.LogInAttempts;
import org.parley.application.port.out.LogInWindow;
import org.parley.application.port.out.TimeSource;

/**
 * One node's {@link LogInAttempts}: per address, the count of attempts not cleared and when its window started, in
 * memory, on this node's {@link TimeSource}. With several nodes the Redis adapter's, shared by all of them, is used
 * instead. Windows that have passed are the same as none, so they are dropped from time to time.
 */
public final class LocalLogInAttempts implements LogInAttempts {

    /** Attempts between two sweeps of passed windows. */
    private static final long SWEEP_EVERY = 10_000;

    private final LogInWindow limit;
    private final TimeSource time;
    private final Map<String, Window> windows = new ConcurrentHashMap<>();
    private final AtomicLong attempts = new AtomicLong();

    public LocalLogInAttempts(LogInWindow limit, TimeSource time) {
        this.limit = Objects.requireNonNull(limit, "limit");
        this.time = Objects.requireNonNull(time, "time");
    }

    @Override
    public Admission attempt(String address) {
        Instant now = time.now();
        Admission[] answer = new Admission[1];
        windows.compute(key(address), (key, window) -> {
            Window current = window == null || window.passedAt(now, limit) ? new Window(0, now) : window;
            if (current.count() >= limit.failures()) {
                answer[0] = Admission.refuse(Duration.between(now, current.start().plus(limit.window())));
                return current;
            }
            answer[0] = Admission.grant();
            return new Window(current.count() + 1, current.start());
        });
        if (attempts.incrementAndGet() % SWEEP_EVERY == 0) {
            windows.keySet().forEach(key -> windows.computeIfPresent(key,
                    (same, window) -> window.passedAt(now, limit) ? null : window));
        }
        return answer[0];
    }

    @Override
    public void succeeded(String address) {
        windows.remove(key(address));
    }

    @Override
    public void giveBack(String address) {
        Instant now = time.now();
        windows.computeIfPresent(key(address), (key, window) -> window.passedAt(now, limit) || window.count() <= 1
                ? null : new Window(window.count() - 1, window.start()));
    }

    /** How many addresses this node holds a window for now (for tests). */
    int windowsHeld() {
        return windows.size();
    }

    private static String key(String address) {
        return String.valueOf(address);
    }

    /** {@code count} attempts not cleared since {@code start}. */
    private record Window(int count, Instant start) {

        boolean passedAt(Instant now, LogInWindow limit) {
            return !now.isBefore(start.plus(limit.window()));
        }
    }
}
