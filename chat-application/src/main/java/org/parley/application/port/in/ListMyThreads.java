package org.parley.application.port.in;

import java.util.List;
import java.util.Objects;
import java.util.Optional;

import org.parley.domain.chat.ChatThread;
import org.parley.domain.chat.Message;
import org.parley.domain.user.User;
import org.parley.domain.user.UserId;

/** List the caller's threads, most recent activity first. */
public interface ListMyThreads {

    List<ThreadSummary> list(UserId me);

    record ThreadSummary(ChatThread thread, User me, User otherUser, Optional<Message> lastMessage) {
        public ThreadSummary {
            Objects.requireNonNull(thread, "thread");
            Objects.requireNonNull(me, "me");
            Objects.requireNonNull(otherUser, "otherUser");
            Objects.requireNonNull(lastMessage, "lastMessage");
        }
    }
}
