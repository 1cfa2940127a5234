package org.parley.application.port.in;

import java.util.List;
import java.util.Objects;
import java.util.Optional;

import org.parley.domain.chat.ChatThread;
import org.parley.domain.chat.Message;
import org.parley.domain.chat.ReadState;
import org.parley.domain.user.User;
import org.parley.domain.user.UserId;

/** List the caller's threads, most recent activity first, each with its read state and unread count (§11). */
public interface ListMyThreads {

    List<ThreadSummary> list(UserId me);

    /**
     * @param readState   both participants' read markers ({@code seen} of the last message, contract §11)
     * @param unreadCount messages sent to {@code me} above {@code me}'s marker
     */
    record ThreadSummary(ChatThread thread, User me, User otherUser, Optional<Message> lastMessage,
                         ReadState readState, long unreadCount) {
        public ThreadSummary {
            Objects.requireNonNull(thread, "thread");
            Objects.requireNonNull(me, "me");
            Objects.requireNonNull(otherUser, "otherUser");
            Objects.requireNonNull(lastMessage, "lastMessage");
            Objects.requireNonNull(readState, "readState");
            if (unreadCount < 0) {
                throw new IllegalArgumentException("unreadCount is negative: " + unreadCount);
            }
        }

        /** A thread nobody has marked, with nothing unread. */
        public ThreadSummary(ChatThread thread, User me, User otherUser, Optional<Message> lastMessage) {
            this(thread, me, otherUser, lastMessage, ReadState.none(), 0);
        }

        /** Whether the last message's receiver has read it. */
        public boolean lastMessageSeen() {
            return lastMessage.map(readState::seen).orElse(false);
        }
    }
}
