package org.parley.adapter.websocket;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Instant;
import java.util.List;
import java.util.Optional;

import org.junit.jupiter.api.Test;
import org.parley.application.port.out.OutboundMessage;
import org.parley.domain.chat.Message;
import org.parley.domain.chat.MessageContent;
import org.parley.domain.chat.MessageId;
import org.parley.domain.chat.ThreadId;
import org.parley.domain.delivery.DeliveryPolicy;
import org.parley.domain.user.UserId;

/** Delivery to registered connections, with sessions that record, fail, are closed or never finish sending. */
class ConnectedSessionsTest {

    private final UserId alice = UserId.random();
    private final UserId bob = UserId.random();
    private final ConnectedSessions sessions = new ConnectedSessions(message -> java.util.Optional.empty());

    @Test
    void eachFrameKindIsRenderedOnceAndSentToEveryOpenConnectionOfItsRecipient() {
        FakeSession bob1 = new FakeSession();
        FakeSession bob2 = new FakeSession();
        FakeSession alice1 = new FakeSession();
        FakeSession closed = new FakeSession();
        closed.open = false;
        sessions.add(new LiveConnection(bob, bob1.session, 0));
        sessions.add(new LiveConnection(bob, bob2.session, 0));
        sessions.add(new LiveConnection(bob, closed.session, 0));
        sessions.add(new LiveConnection(alice, alice1.session, 0));

        sessions.deliver(outbound());

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
        sessions.add(new LiveConnection(bob, broken.session, 0));
        sessions.add(new LiveConnection(bob, fine.session, 0));

        sessions.deliver(outbound());

        assertThat(fine.sent).hasSize(1);
    }

    /**
     * A frame with an unpaired surrogate (as a stored text holding one renders) has no UTF-8 form: found once, when
     * rendered, so no connection's write throws for it; the receiver gets nothing, the sender an {@code internal_error}.
     */
    @Test
    void aMessageWhoseFrameHasNoUtf8FormIsNotWrittenAnywhereAndItsSenderIsTold() {
        ConnectedSessions sessions = new ConnectedSessions(message -> Optional.empty(),
                (outbound, kind, link) -> Frames.delivery(outbound, kind, link).replace("hi", "\ud83d"));
        FakeSession bob1 = new FakeSession();
        FakeSession alice1 = new FakeSession();
        sessions.add(new LiveConnection(bob, bob1.session, 0));
        sessions.add(new LiveConnection(alice, alice1.session, 0));

        sessions.deliver(outbound());

        assertThat(bob1.sendAttempts.get()).isZero();
        assertThat(alice1.sent).singleElement().asString().contains("\"action\":\"error\"")
                .contains("\"code\":\"internal_error\"").contains("\"request_action\":\"text_message\"")
                .contains("Message 4 ");
        assertThat(bob1.closedWith).isEmpty();
        assertThat(alice1.closedWith).isEmpty();
    }

    @Test
    void aClientThatStopsReadingIsDisconnectedInsteadOfQueueingForever() {
        FakeSession stuck = new FakeSession();
        stuck.neverComplete = true;
        sessions.add(new LiveConnection(bob, stuck.session, 0));

        for (int i = 0; i <= LiveConnection.MAX_PENDING_SENDS; i++) {
            sessions.deliver(outbound());
        }

        assertThat(stuck.sent).hasSize(LiveConnection.MAX_PENDING_SENDS);
        assertThat(stuck.closedWith).extracting(reason -> reason.getCloseCode().getCode()).containsExactly(1013);
    }

    @Test
    void connectionsLeaveTheRegistryAndEmptyUsersWithThem() {
        LiveConnection one = new LiveConnection(bob, new FakeSession().session, 0);
        LiveConnection two = new LiveConnection(bob, new FakeSession().session, 0);
        sessions.add(one);
        sessions.add(two);
        assertThat(sessions.openSessionCount()).isEqualTo(2);

        sessions.remove(one);
        sessions.remove(two);
        sessions.remove(two);

        assertThat(sessions.openSessionCount()).isZero();
        assertThat(sessions.all()).isEmpty();
    }

    @Test
    void connectionsThatAnswerPingsStayAndSilentOnesAreClosedWith1001() {
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
        assertThat(silent.closedWith).extracting(reason -> reason.getCloseCode().getCode()).containsExactly(1001);
    }

    private OutboundMessage outbound() {
        Instant at = Instant.parse("2025-03-14T10:36:22.680911Z");
        Message message = new Message(new MessageId(4), new ThreadId(1), alice, bob, new MessageContent.Text("hi"), at, at);
        return new OutboundMessage(message, DeliveryPolicy.receiverAndSenderDevices().deliveriesOf(message),
                Optional.empty(), Optional.empty());
    }
}
