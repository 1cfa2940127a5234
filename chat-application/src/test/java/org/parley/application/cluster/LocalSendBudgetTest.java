package org.parley.application.cluster;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import java.util.stream.IntStream;

import org.junit.jupiter.api.Test;
import org.parley.application.port.out.SendBudget;
import org.parley.application.port.out.SendRate;
import org.parley.application.port.out.TimeSource;
import org.parley.application.testing.SendBudgetContract;
import org.parley.domain.user.UserId;

/** One node's token buckets: the contract, and that memory holds only users who sent lately. */
class LocalSendBudgetTest extends SendBudgetContract {

    @Override
    protected SendBudget budget(SendRate rate, TimeSource time) {
        return new LocalSendBudget(rate, time);
    }

    @Test
    void bucketsThatRefilledAreForgotten() {
        LocalSendBudget budget = new LocalSendBudget(new SendRate(20, 40), time);
        IntStream.range(0, 9_999).forEach(i -> budget.take(UserId.random()));
        assertThat(budget.bucketsHeld()).isEqualTo(9_999);

        time.advance(Duration.ofSeconds(2));
        budget.take(UserId.random());

        assertThat(budget.bucketsHeld()).isLessThanOrEqualTo(1);
    }
}
