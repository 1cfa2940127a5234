package org.parley.adapter.persistence;

import java.time.Instant;

import org.parley.domain.chat.ChatThread;
import org.parley.domain.chat.Participants;
import org.parley.domain.chat.ThreadId;
import org.parley.domain.user.UserId;

/** Maps between the domain's threads and rows of {@code chat_threads}. */
final class ChatThreadMapper {

    private ChatThreadMapper() {
    }

    /** A row for a new thread of this pair; storage assigns its id when it is persisted. */
    static ChatThreadEntity newEntity(Participants participants, Instant createdAt) {
        ChatThreadEntity entity = new ChatThreadEntity();
        entity.firstUserId = participants.first().value();
        entity.secondUserId = participants.second().value();
        entity.createdAt = StoredInstants.toColumn(createdAt);
        return entity;
    }

    /** The stored thread; a row whose participants are not in canonical order is corrupt and fails here. */
    static ChatThread toDomain(ChatThreadEntity entity) {
        return new ChatThread(
                new ThreadId(entity.id),
                new Participants(new UserId(entity.firstUserId), new UserId(entity.secondUserId)),
                entity.createdAt);
    }
}
