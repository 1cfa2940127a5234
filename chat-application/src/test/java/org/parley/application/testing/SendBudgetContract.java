package org.parley.application.testing;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import java.util.stream.IntStream;

import org.junit.jupiter.api.Test;
import org.parley.application.port.out.Admission;
import org.parley.application.port.out.SendBudget;
import org.parley.application.port.out.SendRate;
import org.parley.application.port.out.TimeSource;
import org.parley.domain.user.UserId;

/**
 * What every {@link SendBudget} must do (contract §16: a token bucket per user). Extend it and implement
 * {@link #budget}; the same tests run against one node's budget and the one the nodes of a deployment share. Time is
 * a {@link ManualTimeSource}: nothing sleeps. Each test uses users of its own.
 */
public abstract class SendBudgetContract {

    protected final ManualTimeSource time = new ManualTimeSource();

    /** A budget of {@code rate} on {@code time}, sharing nothing with budgets made for other tests. */
    protected abstract SendBudget budget(SendRate rate, TimeSource time);

    @Test
    public void aUserWhoSentNothingMaySendAWholeBurstAtOnceThenWaitsForTheNextMessage() {
        SendBudget budget = budget(new SendRate(20, 40), time);
        UserId alice = UserId.random();

        assertThat(IntStream.range(0, 40).mapToObj(i -> budget.take(alice))).allMatch(Admission::granted);
        Admission refused = budget.take(alice);

        assertThat(refused.granted()).isFalse();
        assertThat(refused.retryAfter()).isEqualTo(Duration.ofMillis(50));
    }

    @Test
    public void afterTheToldWaitTheNextMessageIsGrantedAndOnlyThatOne() {
        SendBudget budget = budget(new SendRate(20, 40), time);
        UserId alice = UserId.random();
        IntStream.range(0, 40).forEach(i -> budget.take(alice));
        Duration wait = budget.take(alice).retryAfter();

        time.advance(wait);

        assertThat(budget.take(alice).granted()).isTrue();
        assertThat(budget.take(alice).granted()).isFalse();
    }

    @Test
    public void theWaitShrinksAsTheBucketRefills() {
        SendBudget budget = budget(new SendRate(10, 1), time);
        UserId alice = UserId.random();
        budget.take(alice);

        time.advance(Duration.ofMillis(30));

        assertThat(budget.take(alice).retryAfter()).isEqualTo(Duration.ofMillis(70));
    }

    @Test
    public void aSteadySenderAtTheRateIsNeverRefused() {
        SendBudget budget = budget(new SendRate(20, 2), time);
        UserId alice = UserId.random();

        for (int i = 0; i < 200; i++) {
            assertThat(budget.take(alice).granted()).as("message %d", i).isTrue();
            time.advance(Duration.ofMillis(50));
        }
    }

    @Test
    public void aLongPauseRefillsTheBurstAndNoMore() {
        SendBudget budget = budget(new SendRate(20, 5), time);
        UserId alice = UserId.random();
        IntStream.range(0, 5).forEach(i -> budget.take(alice));

        time.advance(Duration.ofHours(1));

        assertThat(IntStream.range(0, 5).mapToObj(i -> budget.take(alice))).allMatch(Admission::granted);
        assertThat(budget.take(alice).granted()).isFalse();
    }

    @Test
    public void refusedMessagesDoNotCostAnything() {
        SendBudget budget = budget(new SendRate(10, 1), time);
        UserId alice = UserId.random();
        budget.take(alice);
        IntStream.range(0, 50).forEach(i -> budget.take(alice));

        time.advance(Duration.ofMillis(100));

        assertThat(budget.take(alice).granted()).isTrue();
    }

    @Test
    public void eachUserHasABudgetOfTheirOwn() {
        SendBudget budget = budget(new SendRate(1, 3), time);
        UserId alice = UserId.random();
        UserId bob = UserId.random();
        IntStream.range(0, 3).forEach(i -> budget.take(alice));

        assertThat(budget.take(alice).granted()).isFalse();
        assertThat(IntStream.range(0, 3).mapToObj(i -> budget.take(bob))).allMatch(Admission::granted);
    }

    @Test
    public void aClockThatGoesBackRefillsNothing() {
        SendBudget budget = budget(new SendRate(10, 1), time);
        UserId alice = UserId.random();
        budget.take(alice);

        time.advance(Duration.ofSeconds(-5));
        assertThat(budget.take(alice).granted()).isFalse();
    }
}
