package org.parley.adapter.websocket;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

import org.junit.jupiter.api.Test;
import org.parley.application.port.out.MessageDeleted;
import org.parley.application.port.out.MessageEdited;
import org.parley.application.port.out.MessageStored;
import org.parley.domain.chat.Message;
import org.parley.domain.chat.MessageContent;
import org.parley.domain.chat.MessageId;
import org.parley.domain.chat.ThreadId;
import org.parley.domain.delivery.Audience;
import org.parley.domain.delivery.ClientMessageId;
import org.parley.domain.delivery.DeliveryPolicy;
import org.parley.domain.user.UserId;

/**
 * Delivery to the registry's connections, with sessions that record, fail, are closed or never finish sending; and
 * the registry itself.
 */
class WebSocketDeliveryTest {

    private final UserId alice = UserId.random();
    private final UserId bob = UserId.random();
    private final ConnectionRegistry connections = new ConnectionRegistry();
    private final WebSocketDelivery delivery = new WebSocketDelivery(connections, TestServer.SEED_FRAMES);

    @Test
    void eachAudiencesFrameIsRenderedOnceAndSentToEveryOpenConnectionOfItsRecipient() {
        FakeSession bob1 = new FakeSession();
        FakeSession bob2 = new FakeSession();
        FakeSession alice1 = new FakeSession();
        FakeSession closed = new FakeSession();
        closed.open = false;
        connections.add(new LiveConnection(bob, bob1.session, 0));
        connections.add(new LiveConnection(bob, bob2.session, 0));
        connections.add(new LiveConnection(bob, closed.session, 0));
        connections.add(new LiveConnection(alice, alice1.session, 0));

        delivery.deliver(stored());

        assertThat(bob1.sent).hasSize(1);
        assertThat(bob2.sent).hasSize(1);
        assertThat(bob1.sent.get(0)).as("the same rendered frame").isSameAs(bob2.sent.get(0)).contains("re_message");
        assertThat(alice1.sent).singleElement().asString().contains("conf_message");
        assertThat(closed.sent).isEmpty();
    }

    @Test
    void aSessionThatFailsDoesNotStopTheOthers() {
        FakeSession broken = new FakeSession();
        broken.sendFailure = new IllegalStateException("broken pipe");
        FakeSession fine = new FakeSession();
        connections.add(new LiveConnection(bob, broken.session, 0));
        connections.add(new LiveConnection(bob, fine.session, 0));

        delivery.deliver(stored());

        assertThat(fine.sent).hasSize(1);
    }

    /**
     * An event whose frame cannot be rendered (the renderer throws anything, an {@link Error} included) is written
     * nowhere: the receiver gets nothing, the sender an {@code internal_error} echoing the request, and no connection
     * is closed.
     */
    @Test
    void aMessageWhoseFrameCannotBeRenderedIsNotWrittenAnywhereAndItsSenderIsTold() {
        WebSocketDelivery breaking = new WebSocketDelivery(connections, (event, audience) -> {
            throw new Error("the renderer broke");
        });
        FakeSession bob1 = new FakeSession();
        FakeSession alice1 = new FakeSession();
        connections.add(new LiveConnection(bob, bob1.session, 0));
        connections.add(new LiveConnection(alice, alice1.session, 0));

        breaking.deliver(stored(Optional.of(new ClientMessageId("c-9"))));

        assertThat(bob1.sendAttempts.get()).isZero();
        assertThat(alice1.sent).singleElement().asString().contains("\"action\":\"error\"")
                .contains("\"code\":\"internal_error\"").contains("\"request_action\":\"text_message\"")
                .contains("Message 4 ").contains("\"client_msg_id\":\"c-9\"");
        assertThat(bob1.closedWith).isEmpty();
        assertThat(alice1.closedWith).isEmpty();
    }

    /** The same for an edit or a deletion (contract §12): stored, not delivered, its sender told with its request. */
    @Test
    void aChangeWhoseFrameCannotBeRenderedIsNotWrittenAnywhereAndItsSenderIsTold() {
        WebSocketDelivery breaking = new WebSocketDelivery(connections, (event, audience) -> {
            throw new IllegalStateException("the renderer broke");
        });
        FakeSession bob1 = new FakeSession();
        FakeSession alice1 = new FakeSession();
        connections.add(new LiveConnection(bob, bob1.session, 0));
        connections.add(new LiveConnection(alice, alice1.session, 0));
        Message message = stored().message();
        Message edited = message.editedTo(new MessageContent.Text("edited"), message.updatedAt().plusSeconds(1));
        Message tombstone = edited.deletedAt(edited.updatedAt().plusSeconds(1));

        breaking.deliver(new MessageEdited(edited, DeliveryPolicy.forEdit(edited),
                Optional.of(new ClientMessageId("e-9"))));
        breaking.deliver(new MessageDeleted(tombstone, DeliveryPolicy.forDeletion(tombstone), Optional.empty()));

        assertThat(bob1.sendAttempts.get()).isZero();
        assertThat(alice1.sent).hasSize(2);
        assertThat(alice1.sent.get(0)).asString().contains("\"code\":\"internal_error\"")
                .contains("\"request_action\":\"edit_message\"").contains("\"client_msg_id\":\"e-9\"");
        assertThat(alice1.sent.get(1)).asString().contains("\"code\":\"internal_error\"")
                .contains("\"request_action\":\"delete_message\"");
        assertThat(alice1.closedWith).isEmpty();
    }

    @Test
    void onlyTheAudiencesWithAConnectionHereAreRendered() {
        List<Audience> rendered = new ArrayList<>();
        WebSocketDelivery counting = new WebSocketDelivery(connections, (event, audience) -> {
            rendered.add(audience);
            return TestServer.SEED_FRAMES.render(event, audience);
        });

        counting.deliver(stored());
        assertThat(rendered).as("nobody connected").isEmpty();

        connections.add(new LiveConnection(alice, new FakeSession().session, 0));
        counting.deliver(stored());
        assertThat(rendered).containsExactly(Audience.SENDER);
    }

    @Test
    void aClientThatStopsReadingIsClosedWith4008OnceItsPendingFramesExceedTheBound() {
        FakeSession stuck = new FakeSession();
        stuck.neverComplete = true;
        long bound = 64 * 1024;
        LiveConnection connection = new LiveConnection(bob, stuck.session, 0, bound, () -> { });
        connections.add(connection);

        for (int i = 0; i < 10_000 && stuck.open; i++) {
            delivery.deliver(stored());
        }

        assertThat(stuck.closeCodes()).as("closed once, as a slow consumer").containsExactly(4008);
        assertThat(stuck.closedWith.get(0).getReasonPhrase()).isEqualTo("slow consumer");
        long queued = stuck.sent.stream().mapToLong(ChatEndpoint::utf8Length).sum();
        assertThat(queued).as("what was queued stays within the bound").isLessThanOrEqualTo(bound)
                .isEqualTo(connection.pendingBytes());
        assertThat(bound - queued).as("the frame that did not fit").isLessThan(stuck.sent.get(0).length() * 2L);

        int sent = stuck.sent.size();
        delivery.deliver(stored());
        assertThat(stuck.sent).as("nothing more is written to it").hasSize(sent);
        assertThat(stuck.closedWith).hasSize(1);
    }

    @Test
    void writtenFramesNoLongerCountAsPending() {
        FakeSession reading = new FakeSession();
        LiveConnection connection = new LiveConnection(bob, reading.session, 0, 4096, () -> { });
        connections.add(connection);

        for (int i = 0; i < 1_000; i++) {
            delivery.deliver(stored());
        }

        assertThat(reading.sent).hasSize(1_000);
        assertThat(connection.pendingBytes()).isZero();
        assertThat(reading.closedWith).isEmpty();
    }

    @Test
    void connectionsLeaveTheRegistryAndEmptyUsersWithThem() {
        LiveConnection one = new LiveConnection(bob, new FakeSession().session, 0);
        LiveConnection two = new LiveConnection(bob, new FakeSession().session, 0);
        connections.add(one);
        connections.add(two);
        assertThat(connections.count()).isEqualTo(2);
        assertThat(connections.of(bob)).containsExactlyInAnyOrder(one, two);

        connections.remove(one);
        connections.remove(two);
        connections.remove(two);

        assertThat(connections.count()).isZero();
        assertThat(connections.all()).isEmpty();
        assertThat(connections.of(bob)).isEmpty();
    }

    @Test
    void connectionsThatAnswerPingsStayAndSilentOnesAreClosedWith4000AfterTwoIntervals() {
        long interval = 1_000;
        FakeSession answering = new FakeSession();
        FakeSession silent = new FakeSession();
        LiveConnection live = new LiveConnection(bob, answering.session, 0);
        LiveConnection dead = new LiveConnection(bob, silent.session, 0);

        ChatWebSocket.pingOrDrop(List.of(live, dead), interval, interval);
        live.ponged(2 * interval);
        ChatWebSocket.pingOrDrop(List.of(live, dead), 2 * interval, interval);
        live.ponged(3 * interval);
        ChatWebSocket.pingOrDrop(List.of(live, dead), 3 * interval, interval);

        assertThat(answering.pings.get()).isEqualTo(3);
        assertThat(answering.closedWith).isEmpty();
        assertThat(silent.pings.get()).isEqualTo(2);
        assertThat(silent.closedWith).extracting(reason -> reason.getCloseCode().getCode()).containsExactly(4000);
        assertThat(silent.closedWith.get(0).getReasonPhrase()).isEqualTo("ping timeout");
    }

    private MessageStored stored() {
        return stored(Optional.empty());
    }

    private MessageStored stored(Optional<ClientMessageId> clientMessageId) {
        Instant at = Instant.parse("2025-03-14T10:36:22.680911Z");
        Message message = new Message(new MessageId(4), new ThreadId(1), alice, bob, new MessageContent.Text("hi"), at, at);
        return new MessageStored(message, DeliveryPolicy.forStoredMessage(message), clientMessageId, Optional.empty(),
                Optional.empty());
    }
}
