package org.parley.application.port.out;

import java.time.Duration;
import java.util.Objects;

/**
 * Log-in throttling per e-mail address (contract §16): after {@code failures} failed log-ins for one address within
 * {@code window} (counted from the first of them), further attempts for it are refused until the window has passed.
 *
 * @param failures at least 1 (0 is no limit at all: {@link LogInAttempts#unlimited()})
 * @param window   positive
 */
public record LogInWindow(int failures, Duration window) {

    public LogInWindow {
        Objects.requireNonNull(window, "window");
        if (failures < 1) {
            throw new IllegalArgumentException("failures must be at least 1");
        }
        if (window.isNegative() || window.isZero()) {
            throw new IllegalArgumentException("window must be positive");
        }
    }

    /** The contract's default: 10 failures within 15 minutes. */
    public static LogInWindow defaults() {
        return new LogInWindow(10, Duration.ofMinutes(15));
    }
}
