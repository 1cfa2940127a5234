package org.parley.application.port.out;

import java.time.Instant;
import java.util.Map;
import java.util.Objects;

import org.parley.domain.chat.MessageId;
import org.parley.domain.chat.ReadState;
import org.parley.domain.chat.ThreadId;
import org.parley.domain.user.UserId;

/**
 * Per-user read markers per thread (contract §11): the latest message each participant has read. A marker never moves
 * back: storage keeps the greatest id ever marked, atomically, however many callers mark at once, here or on other
 * servers sharing the store. Nothing here is touched when a message is sent: unread counts are computed when read.
 *
 * <p>Any method throws {@link org.parley.application.error.Unavailable} when the store cannot be reached.
 */
public interface ReadMarkerRepository {

    /**
     * Moves {@code reader}'s marker in {@code thread} to {@code upTo}, unless it is already there or further; one
     * atomic step in the store (concurrent calls: the greatest id wins, and no call sees the marker go back).
     *
     * @param at when the reader read it (kept with the marker)
     * @return the marker after this call, and whether this call moved it
     */
    Advance advance(ThreadId thread, UserId reader, MessageId upTo, Instant at);

    /** The markers of both participants of {@code thread} (one query). */
    ReadState findIn(ThreadId thread);

    /**
     * For every thread {@code user} takes part in: both participants' markers, and how many messages sent to
     * {@code user} lie above {@code user}'s marker. One query whatever the number of threads.
     */
    Map<ThreadId, ThreadReading> findReadingOf(UserId user);

    /**
     * @param marker the reader's marker after the call
     * @param moved  whether the call moved it (it was absent or below the id marked)
     */
    record Advance(MessageId marker, boolean moved) {
        public Advance {
            Objects.requireNonNull(marker, "marker");
        }
    }

    /**
     * @param readState   both participants' markers
     * @param unreadCount messages sent to the user asking, above that user's marker
     */
    record ThreadReading(ReadState readState, long unreadCount) {
        public ThreadReading {
            Objects.requireNonNull(readState, "readState");
            if (unreadCount < 0) {
                throw new IllegalArgumentException("unreadCount is negative: " + unreadCount);
            }
        }

        /** A thread nobody has marked and with nothing unread. */
        public static ThreadReading nothing() {
            return new ThreadReading(ReadState.none(), 0);
        }
    }
}
