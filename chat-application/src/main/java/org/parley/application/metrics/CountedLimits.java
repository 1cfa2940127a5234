package org.parley.application.metrics;

import java.util.Objects;

import org.parley.application.port.out.Admission;
import org.parley.application.port.out.ChatMetrics;
import org.parley.application.port.out.LogInAttempts;
import org.parley.application.port.out.SendBudget;

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
        return sender -> {
            Admission admission = budget.take(sender);
            if (!admission.granted()) {
                metrics.refused(ChatMetrics.Limit.SEND_RATE);
            }
            return admission;
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
