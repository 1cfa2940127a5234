package org.parley.application.testing;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import java.util.UUID;
import java.util.stream.IntStream;

import org.junit.jupiter.api.Test;
import org.parley.application.port.out.Admission;
import org.parley.application.port.out.LogInAttempts;
import org.parley.application.port.out.LogInWindow;
import org.parley.application.port.out.TimeSource;

/**
 * What every {@link LogInAttempts} must do (contract §16: after 10 failed log-ins for one address within 15 minutes,
 * further attempts wait until the window has passed; an attempt given back, never judged, is no failure). Extend it
 * and implement {@link #attempts}; the same tests run against one node's and the one the nodes of a deployment share.
 * Time is a {@link ManualTimeSource}: nothing sleeps. Each test uses addresses of its own.
 */
public abstract class LogInAttemptsContract {

    protected final ManualTimeSource time = new ManualTimeSource();
    private final LogInWindow limit = new LogInWindow(10, Duration.ofMinutes(15));

    /** Attempts limited by {@code limit} on {@code time}, sharing nothing with those made for other tests. */
    protected abstract LogInAttempts attempts(LogInWindow limit, TimeSource time);

    private static String address() {
        return "user-" + UUID.randomUUID() + "@example.com";
    }

    @Test
    public void tenAttemptsAreLetThroughAndTheEleventhWaitsForTheRestOfTheWindow() {
        LogInAttempts attempts = attempts(limit, time);
        String address = address();

        for (int i = 0; i < 10; i++) {
            assertThat(attempts.attempt(address).granted()).as("attempt %d", i + 1).isTrue();
            time.advance(Duration.ofMinutes(1));
        }
        Admission eleventh = attempts.attempt(address);

        assertThat(eleventh.granted()).isFalse();
        assertThat(eleventh.retryAfter()).isEqualTo(Duration.ofMinutes(5));
    }

    @Test
    public void refusedAttemptsDoNotMoveTheWindow() {
        LogInAttempts attempts = attempts(limit, time);
        String address = address();
        IntStream.range(0, 10).forEach(i -> attempts.attempt(address));

        for (int i = 0; i < 14; i++) {
            time.advance(Duration.ofMinutes(1));
            assertThat(attempts.attempt(address).granted()).isFalse();
        }
        time.advance(Duration.ofMinutes(1));

        assertThat(attempts.attempt(address).granted()).isTrue();
    }

    @Test
    public void afterTheWindowTheCountStartsAgain() {
        LogInAttempts attempts = attempts(limit, time);
        String address = address();
        IntStream.range(0, 10).forEach(i -> attempts.attempt(address));

        time.advance(Duration.ofMinutes(15));

        assertThat(IntStream.range(0, 10).mapToObj(i -> attempts.attempt(address))).allMatch(Admission::granted);
        assertThat(attempts.attempt(address).granted()).isFalse();
    }

    @Test
    public void aSuccessClearsTheCount() {
        LogInAttempts attempts = attempts(limit, time);
        String address = address();
        IntStream.range(0, 9).forEach(i -> attempts.attempt(address));

        attempts.succeeded(address);

        assertThat(IntStream.range(0, 10).mapToObj(i -> attempts.attempt(address))).allMatch(Admission::granted);
        assertThat(attempts.attempt(address).granted()).isFalse();
    }

    @Test
    public void anAttemptGivenBackNoLongerCounts() {
        LogInAttempts attempts = attempts(limit, time);
        String address = address();
        IntStream.range(0, 10).forEach(i -> attempts.attempt(address));

        attempts.giveBack(address);

        assertThat(attempts.attempt(address).granted()).isTrue();
        assertThat(attempts.attempt(address).granted()).isFalse();
    }

    @Test
    public void givingBackMoreThanWasCountedNeverLetsMoreThroughThanTheLimit() {
        LogInAttempts attempts = attempts(limit, time);
        String address = address();
        attempts.giveBack(address);
        IntStream.range(0, 2).forEach(i -> attempts.attempt(address));

        IntStream.range(0, 4).forEach(i -> attempts.giveBack(address));

        assertThat(IntStream.range(0, 10).mapToObj(i -> attempts.attempt(address))).allMatch(Admission::granted);
        assertThat(attempts.attempt(address).granted()).isFalse();
    }

    @Test
    public void whenEveryAttemptWasGivenBackTheNextOneStartsANewWindow() {
        LogInAttempts attempts = attempts(limit, time);
        String address = address();
        attempts.attempt(address);
        attempts.giveBack(address);
        time.advance(Duration.ofMinutes(10));
        IntStream.range(0, 10).forEach(i -> attempts.attempt(address));

        Admission refused = attempts.attempt(address);

        assertThat(refused.granted()).isFalse();
        assertThat(refused.retryAfter()).as("counted from the first attempt that still counts")
                .isEqualTo(Duration.ofMinutes(15));
    }

    @Test
    public void eachAddressIsCountedOnItsOwn() {
        LogInAttempts attempts = attempts(limit, time);
        String guessed = address();
        String other = address();
        IntStream.range(0, 10).forEach(i -> attempts.attempt(guessed));

        assertThat(attempts.attempt(guessed).granted()).isFalse();
        assertThat(attempts.attempt(other).granted()).isTrue();
    }
}
