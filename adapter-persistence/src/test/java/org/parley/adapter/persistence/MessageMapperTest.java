package org.parley.adapter.persistence;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Instant;
import java.util.List;

import org.junit.jupiter.api.Test;
import org.parley.domain.chat.Message;
import org.parley.domain.chat.MessageContent;
import org.parley.domain.chat.MessageDraft;
import org.parley.domain.chat.MessageId;
import org.parley.domain.chat.ThreadId;
import org.parley.domain.user.UserId;

class MessageMapperTest {

    private final UserId sender = UserId.random();
    private final UserId receiver = UserId.random();

    @Test
    void aTextMessageRoundTrips() {
        assertRoundTrips(Fixtures.text("Hello 👋, how are you?"));
    }

    @Test
    void aFileMessageRoundTripsWithCaptionAndAttachment() {
        assertRoundTrips(Fixtures.file("the photo from Saturday"));
    }

    @Test
    void aFileMessageRoundTripsWithoutCaptionAndWithAnEmptyOne() {
        assertRoundTrips(Fixtures.file(null));
        assertRoundTrips(Fixtures.file(""));
    }

    @Test
    void aProfileShareRoundTrips() {
        assertRoundTrips(new MessageContent.ProfileShare(UserId.random()));
    }

    @Test
    void eachKindFillsOnlyItsOwnColumns() {
        MessageEntity text = MessageMapper.newEntity(draft(Fixtures.text("hi"), Fixtures.T0));
        MessageEntity share = MessageMapper.newEntity(
                draft(new MessageContent.ProfileShare(UserId.random()), Fixtures.T0));

        assertThat(text.messageType).isEqualTo("text");
        assertThat(text.storageKey).isNull();
        assertThat(text.attachedProfileId).isNull();
        assertThat(share.messageType).isEqualTo("user_profile");
        assertThat(share.body).isNull();
        assertThat(share.storageKey).isNull();
    }

    @Test
    void instantsAreKeptToTheMicrosecondAsTheColumnsStoreThem() {
        MessageEntity entity = MessageMapper.newEntity(
                draft(Fixtures.text("hi"), Instant.parse("2026-11-24T21:30:15.123456789Z")));

        assertThat(entity.createdAt).isEqualTo(Instant.parse("2026-11-24T21:30:15.123456Z"));
        assertThat(entity.updatedAt).isEqualTo(entity.createdAt);
    }

    /**
     * Group commit answers a stored message from its draft ({@link MessageMapper#stored}) instead of reading its row
     * back ({@link MessageMapper#toDomain}: the unpaired-surrogate repair and the content's checks again): both must be
     * the same message, for every kind of content and with instants finer than the columns keep.
     */
    @Test
    void aStoredMessageAnsweredFromItsDraftIsTheMessageItsRowReadsBackAs() {
        Instant nanos = Instant.parse("2026-11-24T21:30:15.123456789Z");
        List<MessageContent> contents = List.of(Fixtures.text("Grüße 🌍 \"quoted\""), Fixtures.file("a caption"),
                Fixtures.file(null), new MessageContent.ProfileShare(UserId.random()));
        for (MessageContent content : contents) {
            MessageDraft draft = draft(content, nanos);
            MessageEntity row = MessageMapper.newEntity(draft);
            row.id = 4321L;

            Message answered = MessageMapper.stored(draft, row);

            assertThat(answered).isEqualTo(MessageMapper.toDomain(row));
            assertThat(answered.createdAt()).isEqualTo(Instant.parse("2026-11-24T21:30:15.123456Z"));
            assertThat(answered.content()).as("the draft's content, not a copy").isSameAs(content);
        }
    }

    @Test
    void aRowWithAnUnknownTypeIsRejected() {
        MessageEntity entity = MessageMapper.newEntity(draft(Fixtures.text("hi"), Fixtures.T0));
        entity.id = 7L;
        entity.messageType = "sticker";

        assertThatThrownBy(() -> MessageMapper.toDomain(entity)).isInstanceOf(IllegalStateException.class)
                .hasMessageContaining("unknown message_type");
    }

    private void assertRoundTrips(MessageContent content) {
        MessageDraft draft = draft(content, Fixtures.T0);
        MessageEntity entity = MessageMapper.newEntity(draft);
        entity.id = 1234L;

        Message message = MessageMapper.toDomain(entity);

        assertThat(message).isEqualTo(draft.storedAs(new MessageId(1234)));
        assertThat(message.content()).isEqualTo(content);
    }

    private MessageDraft draft(MessageContent content, Instant at) {
        return new MessageDraft(new ThreadId(9), sender, receiver, content, at);
    }
}
