package org.parley.application.cluster;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

import org.junit.jupiter.api.Test;
import org.parley.application.port.out.EventDelivery;
import org.parley.application.port.out.MessageDeleted;
import org.parley.application.port.out.MessageEdited;
import org.parley.application.port.out.OutboundEvent;
import org.parley.application.testing.RecordingEventDelivery;
import org.parley.domain.chat.Message;
import org.parley.domain.chat.MessageContent;
import org.parley.domain.chat.MessageId;
import org.parley.domain.chat.ThreadId;
import org.parley.domain.delivery.ClientMessageId;
import org.parley.domain.delivery.DeliveryPolicy;
import org.parley.domain.user.UserId;

class DeletionsStayLastTest {

    private static final Instant SENT = Instant.parse("2025-03-14T10:00:00Z");
    private final RecordingEventDelivery delivered = new RecordingEventDelivery();
    private final DeletionsStayLast guard = new DeletionsStayLast(delivered);
    private final Message original = new Message(new MessageId(7), new ThreadId(1), UserId.random(), UserId.random(),
            new MessageContent.Text("hello"), SENT, SENT);

    @Test
    void anEditBeforeItsDeletionPassesAsItIs() {
        MessageEdited edit = edit("hello again", "e-1");
        guard.deliver(edit);
        MessageDeleted deletion = deletion();
        guard.deliver(deletion);

        assertThat(delivered.delivered()).containsExactly(edit, deletion);
    }

    @Test
    void anEditDeliveredAfterItsMessagesDeletionGoesAsTheDeletionWithTheEditsRequestId() {
        MessageDeleted deletion = deletion();
        guard.deliver(deletion);
        MessageEdited late = edit("the text the sender meant to remove", "e-2");
        guard.deliver(late);

        assertThat(delivered.delivered()).containsExactly(deletion,
                new MessageDeleted(deletion.message(), late.deliveries(), late.clientMessageId()));
    }

    /** Through a batch too: the wrapped delivery's own batch gets the events, rewritten alike, closed with it. */
    @Test
    void aBatchPassesThroughToTheWrappedDeliverysBatchWithTheSameRule() {
        List<String> seen = new ArrayList<>();
        EventDelivery batching = new EventDelivery() {
            @Override
            public void deliver(OutboundEvent event) {
                seen.add("alone");
            }

            @Override
            public Batch openBatch() {
                seen.add("open");
                return new Batch() {
                    @Override
                    public void deliver(OutboundEvent event) {
                        seen.add(event instanceof MessageDeleted ? "deleted" : "other");
                    }

                    @Override
                    public void close() {
                        seen.add("closed");
                    }
                };
            }
        };
        DeletionsStayLast guarded = new DeletionsStayLast(batching);

        EventDelivery.Batch batch = guarded.openBatch();
        batch.deliver(deletion());
        batch.deliver(edit("late", "e-3"));
        batch.close();

        assertThat(seen).containsExactly("open", "deleted", "deleted", "closed");
    }

    @Test
    void anEditOfAnotherMessagePasses() {
        guard.deliver(deletion());
        Message other = new Message(new MessageId(8), new ThreadId(1), original.sender(), original.receiver(),
                new MessageContent.Text("other"), SENT, SENT);
        Message edited = other.editedTo(new MessageContent.Text("other, edited"), SENT.plusSeconds(1));
        MessageEdited edit = new MessageEdited(edited, DeliveryPolicy.forEdit(edited), Optional.empty());
        guard.deliver(edit);

        assertThat(delivered.delivered()).endsWith(edit);
    }

    @Test
    void onlyTheLatestDeletionsAreRemembered() {
        guard.deliver(deletion());
        for (int i = 0; i < DeletionsStayLast.REMEMBERED; i++) {
            Message another = new Message(new MessageId(1_000 + i), new ThreadId(2), original.sender(),
                    original.receiver(), new MessageContent.Text("x"), SENT, SENT);
            Message tombstone = another.deletedAt(SENT);
            guard.deliver(new MessageDeleted(tombstone, DeliveryPolicy.forDeletion(tombstone), Optional.empty()));
        }
        MessageEdited late = edit("long after", "e-3");
        guard.deliver(late);

        assertThat(delivered.delivered()).endsWith(late);
    }

    private MessageEdited edit(String text, String requestId) {
        Message edited = original.editedTo(new MessageContent.Text(text), SENT.plusSeconds(1));
        return new MessageEdited(edited, DeliveryPolicy.forEdit(edited), Optional.of(new ClientMessageId(requestId)));
    }

    private MessageDeleted deletion() {
        Message tombstone = original.deletedAt(SENT.plusSeconds(2));
        return new MessageDeleted(tombstone, DeliveryPolicy.forDeletion(tombstone), Optional.empty());
    }
}
