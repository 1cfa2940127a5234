package org.parley.adapter.websocket;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.Optional;

import com.fasterxml.jackson.databind.JsonNode;

import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.Assume;
import net.jqwik.api.Example;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;
import net.jqwik.api.Tuple;
import net.jqwik.api.constraints.IntRange;

import org.parley.adapter.websocket.container.FrameWriter;
import org.parley.application.port.out.MessageStored;
import org.parley.domain.WellFormedText;
import org.parley.domain.chat.Attachment;
import org.parley.domain.chat.AttachmentLink;
import org.parley.domain.chat.Message;
import org.parley.domain.chat.MessageContent;
import org.parley.domain.chat.MessageId;
import org.parley.domain.chat.MessageType;
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
 * The {@code conf_message} the delivery thread makes from a stored message's {@code re_message}
 * ({@link EventFrames#frame(org.parley.application.port.out.OutboundEvent, Audience, OutgoingFrame)}, copied by
 * {@link ConfirmationFrames} where it can) is, for any {@code client_msg_id} and any content the domain accepts, byte
 * for byte the frame Jackson renders for the sender, with a header that matches its payload, and one JSON object that
 * reads back with the sender's action and id.
 */
class ConfirmationFramesPropertyTest {

    private static final UserId SENDER = UserId.random();
    private static final UserId RECEIVER = UserId.random();
    private static final Instant AT = Instant.parse("2025-03-14T10:36:22.680911Z");
    private static final EventFrames FRAMES = new EventFrames(link -> "/media/" + link.message().value() + "/"
            + link.storageKey() + "?signature=" + link.signature());

    @Property(tries = 2000)
    void aCopiedConfirmationIsTheRenderedOne(@ForAll("texts") String text, @ForAll("ids") String id,
                                             @ForAll @IntRange(min = 0, max = 4) int kind) {
        Assume.that(WellFormedText.isWellFormed(text) && WellFormedText.isWellFormed(id) && !text.isBlank());
        assertSameAsRendered(stored(kind, text, Optional.of(new ClientMessageId(id))));
        assertSameAsRendered(stored(kind, text, Optional.empty()));
    }

    /**
     * Every length around the 16-bit length limit, where the receiver's frame and the sender's may take different
     * headers (4 or 10 bytes), with no id, a short one and the longest.
     */
    @Example
    void aConfirmationAroundTheExtendedLengthHeaderIsTheRenderedOne() {
        int base = FRAMES.frame(stored(0, "x", Optional.empty()), Audience.RECEIVER).text()
                .getBytes(StandardCharsets.UTF_8).length - 1;
        for (int offset = -100; offset <= 20; offset++) {
            String text = "y".repeat(0xFFFF - base + offset);
            assertSameAsRendered(stored(0, text, Optional.empty()));
            assertSameAsRendered(stored(0, text, Optional.of(new ClientMessageId("c"))));
            assertSameAsRendered(stored(0, text, Optional.of(new ClientMessageId("~".repeat(
                    ClientMessageId.MAX_LENGTH)))));
        }
    }

    private static void assertSameAsRendered(MessageStored event) {
        OutgoingFrame receivers = FRAMES.frame(event, Audience.RECEIVER);
        byte[] receiversBefore = receivers.framed().clone();
        OutgoingFrame made = FRAMES.frame(event, Audience.SENDER, receivers);
        String rendered = FRAMES.render(event, Audience.SENDER);

        assertThat(made.framed()).isEqualTo(FRAMES.frame(event, Audience.SENDER).framed());
        assertThat(made.framed()).as("header and payload as for the rendered text")
                .isEqualTo(FrameWriter.textFrame(rendered));
        assertThat(made.text()).isEqualTo(rendered);
        assertThat(receivers.framed()).isEqualTo(receiversBefore);
        JsonNode json = readJson(made.text());
        assertThat(json.get("action").textValue()).isEqualTo("conf_message");
        assertThat(Optional.ofNullable(json.get("client_msg_id")).map(JsonNode::textValue))
                .isEqualTo(event.clientMessageId().map(ClientMessageId::value));
        if (event.clientMessageId().map(ClientMessageId::value).map(v -> v.chars().allMatch(
                c -> c >= 0x20 && c <= 0x7E && c != '"' && c != '\\')).orElse(true)) {
            assertThat(ConfirmationFrames.fromReceivers(receivers, event.clientMessageId())).as("copied").isNotNull();
        }
    }

    private static JsonNode readJson(String text) {
        try {
            return Json.MAPPER.readTree(text);
        } catch (Exception e) {
            throw new AssertionError("not JSON: " + text, e);
        }
    }

    /** Pieces that look like the frame's own syntax, escapes, line separators, controls and pairs. */
    @Provide
    Arbitrary<String> texts() {
        Arbitrary<String> ordinary = Arbitraries.chars().all()
                .filter(c -> !Character.isSurrogate(c)).map(String::valueOf);
        Arbitrary<String> pair = Arbitraries.integers().between(0x10000, Character.MAX_CODE_POINT)
                .map(Character::toString);
        Arbitrary<String> syntax = Arbitraries.of(",\"action\":\"re_message\"", "\"action\":\"re_message\"}",
                ",\"action\":\"conf_message\"", ",\"client_msg_id\":\"", "\\", "\"", "}", "{", "\u2028", "\u2029",
                "\u0000", "\u007f", "<", ">", "&", "'", "/", "\\u0022", "re_message", "\r\n");
        Arbitrary<String> piece = Arbitraries.frequencyOf(Tuple.of(4, ordinary), Tuple.of(1, pair),
                Tuple.of(4, syntax), Tuple.of(4, Arbitraries.strings().ascii().ofMaxLength(5)));
        return piece.list().ofMinSize(1).ofMaxSize(20).map(list -> String.join("", list));
    }

    /** Any id the domain may hold: printable ASCII most often, anything else too. */
    @Provide
    Arbitrary<String> ids() {
        Arbitrary<String> any = Arbitraries.strings().all().ofMinLength(1).ofMaxLength(ClientMessageId.MAX_LENGTH);
        Arbitrary<String> nonAscii = Arbitraries.strings().withCharRange('\u0000', '\u00ff')
                .withChars('\u2028', '\u2029').ofMinLength(1).ofMaxLength(ClientMessageId.MAX_LENGTH);
        return Arbitraries.frequencyOf(Tuple.of(4, printableIds()), Tuple.of(1, any), Tuple.of(1, nonAscii));
    }

    @Provide
    Arbitrary<String> printableIds() {
        return Arbitraries.strings().withCharRange(' ', '~').ofMinLength(1).ofMaxLength(ClientMessageId.MAX_LENGTH)
                .edgeCases(edges -> edges.add("x".repeat(ClientMessageId.MAX_LENGTH)));
    }

    /** A profile showing {@code text} where the domain lets it, else an ordinary one. */
    private static UserProfile profile(String text) {
        try {
            return new UserProfile(text, text, null, null, null, null);
        } catch (IllegalArgumentException refused) {
            return UserProfile.named("A \"quoted\" name");
        }
    }

    /** A stored message of one kind (0 text, 1 file with caption, 2 file named so, 3 profile share, 4 tombstone). */
    private static MessageStored stored(int kind, String text, Optional<ClientMessageId> clientMessageId) {
        MessageContent content = switch (kind) {
            case 0 -> new MessageContent.Text(text);
            case 1 -> new MessageContent.File(text, new Attachment("k", "a.png", 1_234, "image/png"));
            case 2 -> new MessageContent.File(null, new Attachment("k/" + text, text, 1_234, "image/png"));
            case 3 -> new MessageContent.ProfileShare(RECEIVER);
            default -> new MessageContent.Deleted(MessageType.TEXT);
        };
        Message message = new Message(new MessageId(7), new ThreadId(1), SENDER, RECEIVER, content, AT, AT);
        Optional<User> profile = kind == 3 ? Optional.of(new User(RECEIVER, new EmailAddress("b@example.org"),
                profile(text), AccountStatus.activeUser(), null, AT, AT)) : Optional.empty();
        Optional<AttachmentLink> link = content instanceof MessageContent.File
                ? Optional.of(new AttachmentLink(message.id(), "k/" + text, 1, text)) : Optional.empty();
        return new MessageStored(message, DeliveryPolicy.forStoredMessage(message), clientMessageId, profile, link);
    }
}
