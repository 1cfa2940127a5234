package org.parley.application.port.out;

/**
 * The send rate of one user (contract §16): a token bucket holding at most {@code burst} messages, refilled with
 * {@code perSecond} messages a second. A user who sent nothing for a while may send {@code burst} messages at once,
 * then {@code perSecond} a second.
 *
 * @param perSecond messages a second, at least 1 (a rate of 0 is no limit at all: {@link SendBudget#unlimited()})
 * @param burst     the most messages sent at once, at least 1
 */
public record SendRate(int perSecond, int burst) {

    public SendRate {
        if (perSecond < 1) {
            throw new IllegalArgumentException("perSecond must be at least 1");
        }
        if (burst < 1) {
            throw new IllegalArgumentException("burst must be at least 1");
        }
    }

    /** The contract's default: 20 a second, bursts of 40. */
    public static SendRate defaults() {
        return new SendRate(20, 40);
    }
}
