package org.parley.application.metrics;

import java.util.Objects;
import java.util.Optional;

import org.parley.application.port.out.Admission;
import org.parley.application.port.out.ChatMetrics;
import org.parley.application.port.out.LogInAttempts;
import org.parley.application.port.out.SendBudget;
import org.parley.domain.user.UserId;

/**
 * The limits of contract §16, each refusal told to {@link ChatMetrics} ({@link ChatMetrics.Limit}): wrappers bootstrap
 * puts around whichever {@link SendBudget} and {@link LogInAttempts} it chose (this node's, or Redis's), so that every
 * use case refusing through them is counted, and no use case knows of metrics. A grant costs one comparison more.
 */
public final class CountedLimits {

    private CountedLimits() {
    }

    /** {@code budget}, its refusals counted as {@link ChatMetrics.Limit#SEND_RATE}. */
    public static SendBudget counted(SendBudget budget, ChatMetrics metrics) {
        Objects.requireNonNull(budget, "budget");
        Objects.requireNonNull(metrics, "metrics");
        if (metrics == ChatMetrics.none()) {
            return budget;
        }
        return new SendBudget() {
            @Override
            public Admission take(UserId sender) {
                return told(budget.take(sender));
            }

            @Override
            public Optional<Admission> takeFromMemory(UserId sender) {
                return budget.takeFromMemory(sender).map(this::told);
            }

            @Override
            public void giveBack(UserId sender) {
                budget.giveBack(sender);
            }

            private Admission told(Admission admission) {
                if (!admission.granted()) {
                    metrics.refused(ChatMetrics.Limit.SEND_RATE);
                }
                return admission;
            }
        };
    }

    /** {@code attempts}, its refusals counted as {@link ChatMetrics.Limit#LOG_IN}. */
    public static LogInAttempts counted(LogInAttempts attempts, ChatMetrics metrics) {
        Objects.requireNonNull(attempts, "attempts");
        Objects.requireNonNull(metrics, "metrics");
        if (metrics == ChatMetrics.none()) {
            return attempts;
        }
        return new LogInAttempts() {
            @Override
            public Admission attempt(String address) {
                Admission admission = attempts.attempt(address);
                if (!admission.granted()) {
                    metrics.refused(ChatMetrics.Limit.LOG_IN);
                }
                return admission;
            }

            @Override
            public void succeeded(String address) {
                attempts.succeeded(address);
            }

            @Override
            public void giveBack(String address) {
                attempts.giveBack(address);
            }
        };
    }
}
