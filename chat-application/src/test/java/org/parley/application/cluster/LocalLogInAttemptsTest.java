package org.parley.application.cluster;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import java.util.stream.IntStream;

import org.junit.jupiter.api.Test;
import org.parley.application.port.out.LogInAttempts;
import org.parley.application.port.out.LogInWindow;
import org.parley.application.port.out.TimeSource;
import org.parley.application.testing.LogInAttemptsContract;

/** One node's log-in windows: the contract, and that memory holds only windows that have not passed. */
class LocalLogInAttemptsTest extends LogInAttemptsContract {

    @Override
    protected LogInAttempts attempts(LogInWindow limit, TimeSource time) {
        return new LocalLogInAttempts(limit, time);
    }

    @Test
    void passedWindowsAreForgotten() {
        LocalLogInAttempts attempts = new LocalLogInAttempts(new LogInWindow(10, Duration.ofMinutes(15)), time);
        IntStream.range(0, 9_999).forEach(i -> attempts.attempt("guess-" + i + "@example.com"));
        assertThat(attempts.windowsHeld()).isEqualTo(9_999);

        time.advance(Duration.ofMinutes(15));
        attempts.attempt("late@example.com");

        assertThat(attempts.windowsHeld()).isLessThanOrEqualTo(1);
    }
}
