package org.parley.adapter.persistence;

import org.parley.domain.chat.ChatThread;
import org.parley.domain.chat.Participants;
import org.parley.domain.chat.ThreadId;
import org.parley.domain.user.UserId;

/** Maps rows of {@code chat_threads} read through Hibernate to the domain's threads (new threads are inserted by {@link ThreadRows#insert}). */
final class ChatThreadMapper {

    private ChatThreadMapper() {
    }

    /** The stored thread; a row whose participants are not in canonical order is corrupt and fails here. */
    static ChatThread toDomain(ChatThreadEntity entity) {
        return new ChatThread(
                new ThreadId(entity.id),
                new Participants(new UserId(entity.firstUserId), new UserId(entity.secondUserId)),
                entity.createdAt);
    }
}
