package org.parley.application.port.out;

import java.time.Duration;
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
     * The notice this throttle let pass last for {@code sender} to {@code receiver} was dropped after all: another
     * node's window for the pair, which ends {@code left} from now, refused it. This throttle's window for the pair
     * then ends when that one does: the notices that come meanwhile are dropped here without asking again, and the
     * first one after it is judged afresh (it must not wait for a window of its own that the dropped notice would have
     * opened here, or the receiver would go up to two windows without a notice). Nothing by default.
     *
     * @param left how long the other node's window still runs: zero or more, at most {@link #WINDOW_MILLIS} (longer
     *             counts as the window, negative as zero)
     */
    default void refusedElsewhere(UserId sender, UserId receiver, Duration left) {
    }
}
