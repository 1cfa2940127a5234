package org.parley.application.metrics;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.ArrayList;
import java.util.List;

import org.junit.jupiter.api.Test;
import org.parley.application.cluster.LocalSendBudget;
import org.parley.application.port.out.Admission;
import org.parley.application.port.out.ChatMetrics;
import org.parley.application.port.out.SendBudget;
import org.parley.application.port.out.SendRate;
import org.parley.application.testing.IgnoringChatMetrics;
import org.parley.application.testing.ManualTimeSource;
import org.parley.domain.user.UserId;

/** The counted send budget answers from memory exactly when the budget it wraps does, and counts each refusal once. */
class CountedLimitsTest {

    private final Refusals metrics = new Refusals();
    private final UserId sender = UserId.random();

    @Test
    void aBudgetInMemoryStaysAnswerableFromMemoryAndItsRefusalsAreCountedOnce() {
        SendBudget counted = CountedLimits.counted(new LocalSendBudget(new SendRate(1, 1), new ManualTimeSource()),
                metrics);

        assertThat(counted.takeFromMemory(sender)).hasValueSatisfying(admission ->
                assertThat(admission.granted()).isTrue());
        assertThat(counted.takeFromMemory(sender)).hasValueSatisfying(admission ->
                assertThat(admission.granted()).isFalse());

        assertThat(metrics.refused).containsExactly(ChatMetrics.Limit.SEND_RATE);
    }

    @Test
    void aMessageGivenBackIsThereAgain() {
        SendBudget counted = CountedLimits.counted(new LocalSendBudget(new SendRate(1, 1), new ManualTimeSource()),
                metrics);
        assertThat(counted.takeFromMemory(sender).orElseThrow().granted()).isTrue();

        counted.giveBack(sender);

        assertThat(counted.take(sender).granted()).isTrue();
        assertThat(metrics.refused).isEmpty();
    }

    @Test
    void aBudgetThatCannotAnswerFromMemoryStillCannot() {
        SendBudget shared = user -> Admission.grant();

        assertThat(CountedLimits.counted(shared, metrics).takeFromMemory(sender)).isEmpty();
        assertThat(metrics.refused).isEmpty();
    }

    /** Records the limits refused; nothing else. */
    private static final class Refusals extends IgnoringChatMetrics {
        final List<Limit> refused = new ArrayList<>();

        @Override
        public void refused(Limit limit) {
            refused.add(limit);
        }
    }
}
