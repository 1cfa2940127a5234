package org.parley.adapter.websocket;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.CharBuffer;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.function.Supplier;

import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;
import net.jqwik.api.Tuple;
import net.jqwik.api.statistics.Statistics;

import org.parley.application.port.out.MessageStored;
import org.parley.domain.WellFormedText;
import org.parley.domain.chat.Attachment;
import org.parley.domain.chat.AttachmentLink;
import org.parley.domain.chat.Message;
import org.parley.domain.chat.MessageContent;
import org.parley.domain.chat.MessageId;
import org.parley.domain.chat.ThreadId;
import org.parley.domain.delivery.Audience;
import org.parley.domain.delivery.ClientMessageId;
import org.parley.domain.delivery.DeliveryPolicy;
import org.parley.domain.user.AccountStatus;
import org.parley.domain.user.EmailAddress;
import org.parley.domain.user.User;
import org.parley.domain.user.UserId;
import org.parley.domain.user.UserProfile;

/**
 * Why {@link WebSocketDelivery} no longer scans every rendered frame for an unpaired UTF-16 surrogate (issue 10 did,
 * because such a frame has no UTF-8 form and makes every write of it throw): every text a frame carries comes from a
 * domain value, which refuses such text itself ({@link WellFormedText}), or from the server. So for any text, either
 * the domain refuses it, or every frame built from it — each kind, each audience, and the error frame that echoes the
 * request — encodes as strict UTF-8, the check the container's encoder makes.
 */
class FramesAreSendableTest {

    private static final UserId SENDER = UserId.random();
    private static final UserId RECEIVER = UserId.random();
    private static final Instant AT = Instant.parse("2025-03-14T10:36:22.680911Z");

    @Property
    void everyFrameBuiltFromTextTheDomainAcceptsCanBeSent(@ForAll("utf16WithSurrogates") String text) {
        List<MessageStored> events = new ArrayList<>();
        List<Optional<ClientMessageId>> clientIds = new ArrayList<>();
        acceptedOrRefused(() -> stored(new MessageContent.Text(text), Optional.empty()), events);
        acceptedOrRefused(() -> stored(new MessageContent.File(text, new Attachment("k", "a.txt", 1, "text/plain")),
                Optional.empty()), events);
        acceptedOrRefused(() -> stored(new MessageContent.File("", new Attachment("k", text, 1, "text/plain")),
                Optional.empty()), events);
        acceptedOrRefused(() -> stored(new MessageContent.ProfileShare(RECEIVER), Optional.of(
                user(new UserProfile("A", text, null, null, null, null)))), events);
        acceptedOrRefused(() -> stored(new MessageContent.ProfileShare(RECEIVER), Optional.of(
                user(UserProfile.named(text)))), events);
        acceptedOrRefused(() -> Optional.of(new ClientMessageId(text)), clientIds);

        boolean wellFormed = WellFormedText.isWellFormed(text);
        Statistics.label("well-formed").collect(wellFormed);
        Statistics.label("well-formed").coverage(coverage -> {
            coverage.check(true).percentage(percent -> percent >= 10);
            coverage.check(false).percentage(percent -> percent >= 10);
        });
        if (!wellFormed) {
            assertThat(events).as("the domain refuses every text without a UTF-8 form").isEmpty();
            assertThat(clientIds).isEmpty();
            return;
        }
        assertThat(events).as("the file name takes any well-formed text").isNotEmpty();
        for (MessageStored event : events) {
            for (Audience audience : Audience.values()) {
                String rendered = TestServer.SEED_FRAMES.render(event, audience);
                assertThat(strictlyEncodable(rendered)).isTrue();
                assertThat(TestServer.SEED_FRAMES.frame(event, audience).text())
                        .as("the frame written to connections, in UTF-8 from Jackson").isEqualTo(rendered);
            }
        }
        for (Optional<ClientMessageId> clientId : clientIds) {
            assertThat(strictlyEncodable(Frames.error(ErrorCode.INTERNAL_ERROR, "Message 1 was stored but cannot be "
                    + "delivered", InboundFrames.TEXT_MESSAGE, clientId))).isTrue();
        }
    }

    /**
     * Strings of pieces: ordinary characters (quotes, backslashes and control characters included), surrogate pairs,
     * and lone or reversed surrogate halves, mixed so that well-formed and broken strings both occur often.
     */
    @Provide
    Arbitrary<String> utf16WithSurrogates() {
        Arbitrary<String> ordinary = Arbitraries.chars().all()
                .filter(c -> !Character.isSurrogate(c)).map(String::valueOf);
        Arbitrary<String> pair = Arbitraries.integers().between(0x10000, Character.MAX_CODE_POINT)
                .map(Character::toString);
        Arbitrary<String> loneHalf = Arbitraries.chars().range('\uD800', '\uDFFF').map(String::valueOf);
        Arbitrary<String> pieces = Arbitraries.frequencyOf(Tuple.of(6, ordinary), Tuple.of(2, pair),
                Tuple.of(1, loneHalf));
        return pieces.list().ofMinSize(1).ofMaxSize(8).map(list -> String.join("", list));
    }

    /** Adds what {@code build} builds, unless the domain refuses it. */
    private static <T> void acceptedOrRefused(Supplier<T> build, List<T> accepted) {
        try {
            accepted.add(build.get());
        } catch (IllegalArgumentException refused) {
            // DomainRuleViolation (an IllegalArgumentException): the domain would not hold this text.
        }
    }

    private static MessageStored stored(MessageContent content, Optional<User> profile) {
        Message message = new Message(new MessageId(1), new ThreadId(1), SENDER, RECEIVER, content, AT, AT);
        Optional<AttachmentLink> link = content instanceof MessageContent.File
                ? Optional.of(new AttachmentLink(message.id(), "k", 1, "s")) : Optional.empty();
        return new MessageStored(message, DeliveryPolicy.forStoredMessage(message),
                Optional.of(new ClientMessageId("c-1")), profile, link);
    }

    private static User user(UserProfile profile) {
        return new User(RECEIVER, new EmailAddress("b@example.org"), profile, AccountStatus.activeUser(), null, AT, AT);
    }

    private static boolean strictlyEncodable(String frame) {
        try {
            StandardCharsets.UTF_8.newEncoder()
                    .onMalformedInput(CodingErrorAction.REPORT)
                    .onUnmappableCharacter(CodingErrorAction.REPORT)
                    .encode(CharBuffer.wrap(frame));
            return true;
        } catch (CharacterCodingException e) {
            return false;
        }
    }
}
