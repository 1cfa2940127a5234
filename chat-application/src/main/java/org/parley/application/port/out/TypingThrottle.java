package org.parley.application.port.out;

import org.parley.domain.user.UserId;

/**
 * At most one typing notice per sender and receiver every {@link #WINDOW_MILLIS} ms (contract §13), on every node
 * together: the first one passes, the others within the window are dropped silently.
 *
 * <p>Implementations: {@code LocalTypingThrottle} (this node, in the application's {@code cluster} package) and the
 * Redis adapter's (all nodes; while Redis cannot be asked, this node's own decides). Calls are short and never throw.
 */
public interface TypingThrottle {

    /** The contract's window: two seconds. */
    long WINDOW_MILLIS = 2_000;

    /** Whether a typing notice of {@code sender} to {@code receiver} may be forwarded now (and counts as the one). */
    boolean tryPass(UserId sender, UserId receiver);

    /**
     * The notice this throttle let pass last for {@code sender} to {@code receiver} was dropped after all (another
     * node's throttle refused it), so it must not count: the next one is judged as if it had never come. Without this,
     * a notice dropped elsewhere would start a new window here, and the receiver would go more than a window without
     * one. Nothing by default.
     */
    default void withdraw(UserId sender, UserId receiver) {
    }
}
