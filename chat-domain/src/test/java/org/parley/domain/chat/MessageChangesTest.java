package org.parley.domain.chat;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Instant;

import org.junit.jupiter.api.Test;
import org.parley.domain.delivery.Audience;
import org.parley.domain.delivery.Delivery;
import org.parley.domain.delivery.DeliveryPolicy;
import org.parley.domain.user.UserId;

/** A message's edit and its tombstone (contract §12). */
class MessageChangesTest {

    private static final Instant SENT = Instant.parse("2025-03-14T10:07:31.270646Z");
    private static final Instant LATER = Instant.parse("2025-03-14T10:09:00.000001Z");
    private final UserId alice = UserId.random();
    private final UserId bob = UserId.random();
    private final Message text = new Message(new MessageId(7), new ThreadId(3), alice, bob,
            new MessageContent.Text("helo"), SENT, SENT);

    @Test
    void an_edit_keeps_the_message_and_changes_its_text_flag_and_update_time() {
        Message edited = text.editedTo(new MessageContent.Text("hello"), LATER);

        assertThat(edited).isEqualTo(new Message(new MessageId(7), new ThreadId(3), alice, bob,
                new MessageContent.Text("hello"), SENT, LATER, true));
        assertThat(text.edited()).isFalse();
        assertThat(edited.deleted()).isFalse();
    }

    @Test
    void only_text_is_edited() {
        Message file = new Message(new MessageId(8), new ThreadId(3), alice, bob,
                new MessageContent.File("cap", new Attachment("k1", "a.png", 10, "image/png")), SENT, SENT);
        MessageContent.Text hello = new MessageContent.Text("hello");

        assertThatThrownBy(() -> file.editedTo(hello, LATER)).isInstanceOf(IllegalStateException.class);
        assertThatThrownBy(() -> text.deletedAt(LATER).editedTo(hello, LATER))
                .isInstanceOf(IllegalStateException.class);
    }

    @Test
    void a_tombstone_keeps_id_thread_people_kind_and_creation_but_nothing_it_said() {
        Message file = new Message(new MessageId(8), new ThreadId(3), alice, bob,
                new MessageContent.File("cap", new Attachment("k1", "a.png", 10, "image/png")), SENT, SENT);

        Message tombstone = file.deletedAt(LATER);

        assertThat(tombstone.deleted()).isTrue();
        assertThat(tombstone.content()).isEqualTo(new MessageContent.Deleted(MessageType.FILE));
        assertThat(tombstone.type()).isEqualTo(MessageType.FILE);
        assertThat(tombstone.id()).isEqualTo(file.id());
        assertThat(tombstone.threadId()).isEqualTo(file.threadId());
        assertThat(tombstone.createdAt()).isEqualTo(SENT);
        assertThat(tombstone.updatedAt()).isEqualTo(LATER);
        assertThat(text.editedTo(new MessageContent.Text("x"), SENT).deletedAt(LATER).edited()).isTrue();
    }

    @Test
    void nobody_sends_a_deleted_message() {
        assertThatThrownBy(() -> new MessageDraft(new ThreadId(3), alice, bob,
                new MessageContent.Deleted(MessageType.TEXT), SENT)).isInstanceOf(IllegalArgumentException.class);
    }

    @Test
    void edits_and_deletions_go_to_both_sides_the_sender_as_the_one_who_asked() {
        assertThat(DeliveryPolicy.forEdit(text)).containsExactly(
                new Delivery(bob, Audience.RECEIVER), new Delivery(alice, Audience.SENDER));
        assertThat(DeliveryPolicy.forDeletion(text.deletedAt(LATER))).containsExactly(
                new Delivery(bob, Audience.RECEIVER), new Delivery(alice, Audience.SENDER));
    }
}
