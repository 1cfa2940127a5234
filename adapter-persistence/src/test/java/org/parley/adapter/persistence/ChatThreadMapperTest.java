package org.parley.adapter.persistence;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import org.junit.jupiter.api.Test;
import org.parley.domain.chat.ChatThread;
import org.parley.domain.chat.Participants;
import org.parley.domain.chat.ThreadId;
import org.parley.domain.user.UserId;

class ChatThreadMapperTest {

    @Test
    void aThreadRoundTripsWithItsCanonicalPair() {
        Participants pair = Participants.of(UserId.random(), UserId.random());
        ChatThreadEntity entity = row(pair);
        entity.id = 42L;

        assertThat(entity.firstUserId).isEqualTo(pair.first().value());
        assertThat(entity.secondUserId).isEqualTo(pair.second().value());
        assertThat(ChatThreadMapper.toDomain(entity)).isEqualTo(new ChatThread(new ThreadId(42), pair, Fixtures.T0));
    }

    @Test
    void aRowWithTheParticipantsOutOfCanonicalOrderIsRejectedAsCorrupt() {
        Participants pair = Participants.of(UserId.random(), UserId.random());
        ChatThreadEntity entity = row(pair);
        entity.id = 1L;
        entity.firstUserId = pair.second().value();
        entity.secondUserId = pair.first().value();

        assertThatThrownBy(() -> ChatThreadMapper.toDomain(entity)).isInstanceOf(IllegalArgumentException.class);
    }

    private static ChatThreadEntity row(Participants pair) {
        ChatThreadEntity entity = new ChatThreadEntity();
        entity.firstUserId = pair.first().value();
        entity.secondUserId = pair.second().value();
        entity.createdAt = Fixtures.T0;
        return entity;
    }
}
