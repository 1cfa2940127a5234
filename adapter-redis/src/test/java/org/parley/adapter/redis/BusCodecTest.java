package org.parley.adapter.redis;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatCode;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.List;
import java.util.Optional;

import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.Combinators;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;
import org.junit.jupiter.api.Test;
import org.parley.application.port.out.PresenceChanged;
import org.parley.application.port.out.RepeatedSend;
import org.parley.application.port.out.UserTyping;
import org.parley.adapter.redis.BusCodec.Batch;
import org.parley.adapter.redis.BusCodec.CatchUp;
import org.parley.adapter.redis.BusCodec.Event;
import org.parley.adapter.redis.BusCodec.Item;
import org.parley.adapter.redis.BusCodec.Repeated;
import org.parley.adapter.redis.BusCodec.UserChanged;
import org.parley.application.port.out.MessageSeen;
import org.parley.application.port.out.MessageDeleted;
import org.parley.application.port.out.MessageEdited;
import org.parley.application.port.out.MessageStored;
import org.parley.application.port.out.ThreadPosition;
import org.parley.application.testing.ChatFixtures;
import org.parley.domain.chat.Attachment;
import org.parley.domain.chat.AttachmentLink;
import org.parley.domain.chat.Message;
import org.parley.domain.chat.MessageContent;
import org.parley.domain.chat.MessageId;
import org.parley.domain.chat.ThreadId;
import org.parley.domain.delivery.ClientMessageId;
import org.parley.domain.delivery.DeliveryPolicy;
import org.parley.domain.user.User;
import org.parley.domain.user.UserId;

/**
 * The bus's wire format: whatever a node publishes, another reads back equal (every kind of content, every optional
 * part, any text the domain accepts, exact instants); what it cannot read is reported with the recipients it names.
 */
class BusCodecTest {

    private static final UserId ALICE = UserId.random();
    private static final UserId BOB = UserId.random();

    @Property(tries = 300)
    void everyEventReadsBackEqual(@ForAll("events") MessageStored event) {
        Batch batch = BusCodec.decode(BusCodec.encode("node-a", 7, List.of(new Event(event))));

        assertThat(batch.node()).isEqualTo("node-a");
        assertThat(batch.sequence()).isEqualTo(7);
        assertThat(batch.unreadable()).isEmpty();
        assertThat(batch.items()).containsExactly(new Event(event));
    }

    @Property(tries = 200)
    void everyEditAndDeletionReadsBackEqual(@ForAll("events") MessageStored stored, @ForAll boolean withClientId) {
        Message message = stored.message();
        Optional<ClientMessageId> clientId = withClientId ? Optional.of(new ClientMessageId("c-1")) : Optional.empty();
        java.util.ArrayList<Item> items = new java.util.ArrayList<>();
        if (message.content() instanceof MessageContent.Text) {
            Message edited = message.editedTo(new MessageContent.Text("edited " + message.id()), message.updatedAt());
            items.add(new Event(new MessageEdited(edited, DeliveryPolicy.forEdit(edited), clientId)));
            Message tombstoneOfEdited = edited.deletedAt(edited.updatedAt().plusNanos(3));
            items.add(new Event(new MessageDeleted(tombstoneOfEdited, DeliveryPolicy.forDeletion(tombstoneOfEdited),
                    clientId)));
        }
        Message tombstone = message.deletedAt(message.updatedAt().plusSeconds(1));
        items.add(new Event(new MessageDeleted(tombstone, DeliveryPolicy.forDeletion(tombstone), clientId)));

        Batch batch = BusCodec.decode(BusCodec.encode("node-a", 8, items));

        assertThat(batch.unreadable()).isEmpty();
        assertThat(batch.items()).isEqualTo(items);
    }

    @Test
    void userChangesCatchUpsAndHeartbeatsReadBack() {
        List<Item> items = List.of(new UserChanged(ALICE), new CatchUp(List.of(ALICE, BOB), false, ChatFixtures.T0),
                new CatchUp(List.of(), true, ChatFixtures.T0.plusNanos(1)));

        assertThat(BusCodec.decode(BusCodec.encode("n", 1, items)).items()).isEqualTo(items);
        assertThat(BusCodec.decode(BusCodec.encode("n", 2, List.of())).items()).as("a heartbeat").isEmpty();
        assertThat(BusCodec.decode(BusCodec.encode("n", 2, List.of())).leaving()).isFalse();
    }

    /**
     * A node leaving the bus says so in its last, empty batch, after its items, where an earlier build skips the field
     * it does not know (reading a heartbeat), and where its own node still recognises it as its own.
     */
    @Test
    void aLeavingBatchSaysSoAfterAHeartbeatsHead() {
        byte[] leaving = BusCodec.encodeLeaving("node-a", 9);

        Batch batch = BusCodec.decode(leaving);
        assertThat(batch.leaving()).isTrue();
        assertThat(batch.items()).isEmpty();
        assertThat(batch.sequence()).isEqualTo(9);
        assertThat(new String(leaving, StandardCharsets.UTF_8)).isEqualTo(
                "{\"v\":1,\"n\":\"node-a\",\"s\":9,\"i\":[],\"bye\":true}");
        assertThat(BusCodec.publishedBy(leaving, "node-a")).isTrue();
        assertThat(BusCodec.decode("{\"v\":1,\"n\":\"b\",\"s\":3,\"i\":[],\"bye\":1}"
                .getBytes(StandardCharsets.UTF_8)).leaving()).as("only true says it").isFalse();
    }

    /**
     * A repeated send crosses nodes as its message's id, thread, deliveries and instant; a node of an earlier build,
     * which knows no such kind, reads its recipients from "to" and closes them to catch up.
     */
    @Test
    void aRepeatedSendReadsBackEqualInCompactJsonAndAnEarlierBuildKnowsItsRecipients() {
        Message message = new Message(new MessageId(42), new ThreadId(3), ALICE, BOB, new MessageContent.Text("hi"),
                ChatFixtures.T0, ChatFixtures.T0);
        Repeated repeated = new Repeated(RepeatedSend.of(new MessageStored(message,
                DeliveryPolicy.forStoredMessage(message), Optional.empty(), Optional.empty(), Optional.empty())));

        byte[] bytes = BusCodec.encode("node-a", 9, List.of(repeated));

        assertThat(new String(bytes, StandardCharsets.UTF_8)).isEqualTo("{\"v\":1,\"n\":\"node-a\",\"s\":9,"
                + "\"i\":[{\"k\":\"rs\",\"to\":[[\"" + BOB + "\",\"r\"],[\"" + ALICE + "\",\"s\"]],\"m\":42,\"t\":3,"
                + "\"at\":[1741946851,270646000]}]}");
        assertThat(BusCodec.decode(bytes).items()).containsExactly(repeated);
        Batch asAnEarlierBuildReadsIt = BusCodec.decode(new String(bytes, StandardCharsets.UTF_8)
                .replace("\"rs\"", "\"later-kind\"").getBytes(StandardCharsets.UTF_8));
        assertThat(asAnEarlierBuildReadsIt.items()).isEmpty();
        assertThat(asAnEarlierBuildReadsIt.unreadable()).singleElement()
                .satisfies(unreadable -> assertThat(unreadable.recipients()).containsExactly(BOB, ALICE));
    }

    @Test
    void typingAndPresenceReadBackEqual() {
        List<Item> items = List.of(
                new Event(new UserTyping(ALICE, BOB, ChatFixtures.T0, DeliveryPolicy.forTyping(BOB))),
                new Event(new PresenceChanged(ALICE, true, Optional.empty(), DeliveryPolicy.forPresence(List.of(BOB)))),
                new Event(new PresenceChanged(BOB, false, Optional.of(ChatFixtures.T0.plusNanos(1_000)),
                        DeliveryPolicy.forPresence(List.of(ALICE, UserId.random())))),
                new Event(new PresenceChanged(BOB, false, Optional.of(ChatFixtures.T0), List.of())));

        Batch batch = BusCodec.decode(BusCodec.encode("n", 3, items));

        assertThat(batch.unreadable()).isEmpty();
        assertThat(batch.items()).isEqualTo(items);
    }

    @Test
    void aPublicationIsCompactJsonWithTheVersionTheNodeAndTheSequence() {
        Message message = new Message(new MessageId(42), new ThreadId(3), ALICE, BOB, new MessageContent.Text("hi"),
                ChatFixtures.T0, ChatFixtures.T0);
        MessageStored event = new MessageStored(message, DeliveryPolicy.forStoredMessage(message),
                Optional.of(new ClientMessageId("c-1")), Optional.empty(), Optional.empty(),
                ThreadPosition.after(new MessageId(41)));

        String json = new String(BusCodec.encode("node-a", 9, List.of(new Event(event))), StandardCharsets.UTF_8);

        assertThat(json).isEqualTo("{\"v\":1,\"n\":\"node-a\",\"s\":9,\"i\":[{\"k\":\"m\",\"to\":[[\"" + BOB
                + "\",\"r\"],[\"" + ALICE + "\",\"s\"]],\"m\":{\"id\":42,\"t\":3,\"f\":\"" + ALICE + "\",\"r\":\""
                + BOB + "\",\"x\":\"text\",\"b\":\"hi\",\"ca\":[1741946851,270646000],\"ua\":[1741946851,270646000]},"
                + "\"cid\":\"c-1\",\"pos\":41}]}");
    }

    /** Contract §11's read marker crosses nodes whole: ids, deliveries, the exact instant and the reader's id. */
    @Test
    void aReadMarkerReadsBackEqualInCompactJson() {
        Message read = new Message(new MessageId(42), new ThreadId(3), ALICE, BOB, new MessageContent.Text("hi"),
                ChatFixtures.T0, ChatFixtures.T0);
        MessageSeen withId = new MessageSeen(new ThreadId(3), BOB, read.id(), ChatFixtures.T0.plusNanos(1_000),
                DeliveryPolicy.forReadMarker(read, BOB, true), Optional.of(new ClientMessageId("s-1")));
        MessageSeen unmoved = new MessageSeen(new ThreadId(3), BOB, new MessageId(50), ChatFixtures.T0,
                DeliveryPolicy.forReadMarker(read, BOB, false), Optional.empty());

        byte[] encoded = BusCodec.encode("node-a", 4, List.of(new Event(withId), new Event(unmoved)));

        assertThat(BusCodec.decode(encoded).items()).containsExactly(new Event(withId), new Event(unmoved));
        assertThat(new String(encoded, StandardCharsets.UTF_8)).startsWith("{\"v\":1,\"n\":\"node-a\",\"s\":4,"
                + "\"i\":[{\"k\":\"s\",\"to\":[[\"" + ALICE + "\",\"r\"],[\"" + BOB + "\",\"s\"]],\"t\":3,\"u\":\""
                + BOB + "\",\"m\":42,\"at\":[1741946851,270647000],\"cid\":\"s-1\"}");
    }

    @Test
    void anItemThatCannotBeReadIsReportedWithItsRecipientsAndTheOthersAreRead() {
        String json = "{\"v\":1,\"n\":\"x\",\"s\":1,\"i\":[{\"k\":\"m\",\"to\":[[\"" + BOB + "\",\"r\"]],"
                + "\"m\":{\"id\":-1}},{\"k\":\"u\",\"u\":\"" + ALICE + "\"},{\"k\":\"seen\",\"to\":[]}]}";

        Batch batch = BusCodec.decode(json.getBytes(StandardCharsets.UTF_8));

        assertThat(batch.items()).containsExactly(new UserChanged(ALICE));
        assertThat(batch.unreadable()).hasSize(2);
        assertThat(batch.unreadable().get(0).recipients()).containsExactly(BOB);
        assertThat(batch.unreadable().get(1).reason()).contains("unknown kind of item 'seen'");
    }

    @Property(tries = 200)
    void everyKindOfItemReadsBackEqualWhateverTheOrderOfItsFields(@ForAll("events") MessageStored event)
            throws Exception {
        List<Item> items = everyKind(event);
        byte[] reordered = inReverseOrder(BusCodec.encode("node-a", 9, items));

        Batch batch = BusCodec.decode(reordered);

        assertThat(batch.unreadable()).isEmpty();
        assertThat(batch.items()).isEqualTo(items);
        assertThat(batch.node()).isEqualTo("node-a");
        assertThat(batch.sequence()).isEqualTo(9);
    }

    @Test
    void aFieldThatCannotBeReadLeavesTheRecipientsAfterItKnownAndTheNextItemRead() {
        String json = "{\"v\":1,\"n\":\"x\",\"s\":1,\"i\":[{\"m\":{\"id\":\"x\",\"a\":{\"deep\":[1,{\"x\":[2]}]},"
                + "\"t\":3},\"cid\":5,\"k\":\"m\",\"to\":[[\"" + BOB + "\",\"r\"]]},{\"k\":\"u\",\"u\":\"" + ALICE + "\"}]}";

        Batch batch = BusCodec.decode(bytes(json));

        assertThat(batch.items()).containsExactly(new UserChanged(ALICE));
        assertThat(batch.unreadable()).hasSize(1);
        assertThat(batch.unreadable().get(0).recipients()).containsExactly(BOB);
        assertThat(batch.unreadable().get(0).reason()).isEqualTo("m: 'id' is not a whole number");
    }

    @Test
    void fieldsThisNodeDoesNotKnowAreSkippedWhateverTheyHold() {
        String json = "{\"v\":1,\"later\":{\"a\":[1,{\"b\":null}]},\"n\":\"x\",\"s\":1,\"i\":[{\"k\":\"u\","
                + "\"zz\":{\"a\":[1,{\"b\":null}]},\"u\":\"" + ALICE + "\",\"yy\":[[]],\"cid\":null}]}";

        Batch batch = BusCodec.decode(bytes(json));

        assertThat(batch.unreadable()).isEmpty();
        assertThat(batch.items()).containsExactly(new UserChanged(ALICE));
    }

    /** Review of the streaming reader: a head field holding an object must not swallow the items after it. */
    @Test
    void aHeadFieldThatHoldsAnObjectOrAListIsSkippedWhole() {
        String items = "\"i\":[{\"k\":\"u\",\"u\":\"" + ALICE + "\"}]";

        Batch batch = BusCodec.decode(bytes("{\"v\":[1],\"s\":{\"s\":1,\"i\":[]},\"n\":{\"n\":\"y\"},\"v\":1,"
                + "\"n\":\"x\",\"s\":2," + items + "}"));

        assertThat(batch.items()).containsExactly(new UserChanged(ALICE));
        assertThat(batch.node()).isEqualTo("x");
        assertThat(batch.sequence()).isEqualTo(2);
        assertThatThrownBy(() -> BusCodec.decode(bytes("{\"v\":1,\"n\":\"x\",\"s\":{\"s\":1}," + items + "}")))
                .as("no sequence but an object: no batch, not an empty one").isInstanceOf(IllegalArgumentException.class)
                .hasMessageStartingWith("not a bus batch");
    }

    /**
     * A field the item's kind does not read is never looked at, whatever it holds (a later build may give it to another
     * kind, and its nodes publish to this one during a rolling upgrade); the same inside a message for its content.
     */
    @Test
    void aFieldTheKindDoesNotReadIsNeverLookedAt() {
        Message text = new Message(new MessageId(42), new ThreadId(3), ALICE, BOB, new MessageContent.Text("hi"),
                ChatFixtures.T0, ChatFixtures.T0);
        MessageStored stored = new MessageStored(text, DeliveryPolicy.forStoredMessage(text), Optional.empty(),
                Optional.empty(), Optional.empty(), ThreadPosition.unknown());
        String to = "[[\"" + BOB + "\",\"r\"],[\"" + ALICE + "\",\"s\"]]";
        String message = "{\"id\":42,\"t\":3,\"f\":\"" + ALICE + "\",\"r\":\"" + BOB + "\",\"x\":\"text\","
                + "\"b\":\"hi\",\"a\":\"not an attachment\",\"u\":7,\"was\":null,\"ca\":[1741946851,270646000],"
                + "\"ua\":[1741946851,270646000]}";
        String json = "{\"v\":1,\"n\":\"x\",\"s\":1,\"i\":["
                + "{\"k\":\"u\",\"u\":\"" + ALICE + "\",\"at\":\"text\",\"m\":{\"id\":\"x\"},\"to\":5,\"all\":3},"
                + "{\"k\":\"m\",\"to\":" + to + ",\"m\":" + message + ",\"u\":[1],\"at\":null,\"all\":\"y\"},"
                + "{\"k\":\"c\",\"all\":true,\"u\":5,\"b\":[1741946851,270646000],\"to\":{}}]}";

        Batch batch = BusCodec.decode(bytes(json));

        assertThat(batch.unreadable()).isEmpty();
        assertThat(batch.items()).containsExactly(new UserChanged(ALICE), new Event(stored),
                new CatchUp(List.of(), true, ChatFixtures.T0));
    }

    /** No build writes a null; one in a field the item reads (even one that may be absent) is not taken as absent. */
    @Test
    void aNullInAFieldTheItemReadsMakesItUnreadable() {
        String to = "[[\"" + BOB + "\",\"r\"]]";
        String message = "{\"id\":42,\"t\":3,\"f\":\"" + ALICE + "\",\"r\":\"" + BOB + "\",\"x\":\"text\","
                + "\"b\":\"hi\",\"ca\":[1,2],\"ua\":[1,2]";
        List<String> items = List.of(
                "{\"k\":\"m\",\"to\":" + to + ",\"m\":" + message + "},\"pos\":null}",
                "{\"k\":\"m\",\"to\":" + to + ",\"m\":" + message + ",\"ed\":null}}",
                "{\"k\":\"e\",\"to\":" + to + ",\"m\":" + message + "},\"cid\":null}",
                "{\"k\":\"pr\",\"to\":" + to + ",\"u\":\"" + ALICE + "\",\"on\":false,\"ls\":null}",
                "{\"k\":\"m\",\"to\":" + to + ",\"m\":" + message + "},\"p\":null}");

        Batch batch = BusCodec.decode(bytes("{\"v\":1,\"n\":\"x\",\"s\":1,\"i\":[" + String.join(",", items) + "]}"));

        assertThat(batch.items()).isEmpty();
        assertThat(batch.unreadable()).hasSize(items.size()).allSatisfy(item -> {
            assertThat(item.reason()).endsWith("is null");
            assertThat(item.recipients()).containsExactly(BOB);
        });
    }

    /** As in a tree, a field given twice counts as its last value: the recipients of an unreadable item too. */
    @Test
    void aFieldGivenTwiceCountsAsItsLastValue() {
        String alice = "[[\"" + ALICE + "\",\"r\"]]";
        String bob = "[[\"" + BOB + "\",\"r\"]]";
        String typing = "\"k\":\"ty\",\"f\":\"" + ALICE + "\",\"r\":\"" + BOB + "\",\"at\":[1741946851,270646000]";
        String json = "{\"v\":1,\"n\":\"x\",\"s\":1,\"i\":[{\"k\":\"u\",\"u\":\"" + BOB + "\"}],\"i\":["
                + "{" + typing + ",\"to\":" + alice + ",\"to\":5},"
                + "{" + typing + ",\"to\":{},\"to\":" + bob + "},"
                + "{" + typing + ",\"to\":" + alice + ",\"to\":" + bob + ",\"at\":\"now\"}]}";

        Batch batch = BusCodec.decode(bytes(json));

        assertThat(batch.items()).as("the second list of items, not both").containsExactly(
                new Event(new UserTyping(ALICE, BOB, ChatFixtures.T0, DeliveryPolicy.forTyping(BOB))));
        assertThat(batch.unreadable()).hasSize(2);
        assertThat(batch.unreadable().get(0).recipients()).as("its last recipients cannot be read: everyone catches up")
                .isEmpty();
        assertThat(batch.unreadable().get(1).recipients()).containsExactly(BOB);
    }

    /** A catch-up that names neither everyone nor a list of users cannot be taken as naming nobody. */
    @Test
    void aCatchUpNamingNeitherEveryoneNorAListOfUsersIsUnreadable() {
        String before = "\"b\":[1741946851,270646000]";
        String json = "{\"v\":1,\"n\":\"x\",\"s\":1,\"i\":[{\"k\":\"c\",\"u\":\"" + ALICE + "\"," + before
                + "},{\"k\":\"c\"," + before + "},{\"k\":\"c\",\"all\":\"yes\",\"u\":[]," + before + "},"
                + "{\"k\":\"c\",\"all\":false,\"u\":[\"" + ALICE + "\"]," + before + "}]}";

        Batch batch = BusCodec.decode(bytes(json));

        assertThat(batch.items()).containsExactly(new CatchUp(List.of(ALICE), false, ChatFixtures.T0));
        assertThat(batch.unreadable()).hasSize(3)
                .allSatisfy(item -> assertThat(item.recipients()).as("so every connection catches up").isEmpty());
    }

    /**
     * A catch-up or a user's change has no {@code "to"}: when it cannot be read, a stray {@code "to"} must not narrow
     * who catches up (everyone, or at least the users a catch-up lists).
     */
    @Test
    void anUnreadableCatchUpOrUserChangeIsNotNarrowedByAStrayTo() {
        String stray = ",\"to\":[[\"" + BOB + "\",\"r\"]]";
        String carol = UserId.random().toString();
        String json = "{\"v\":1,\"n\":\"x\",\"s\":1,\"i\":["
                + "{\"k\":\"c\",\"all\":true,\"b\":\"soon\"" + stray + "},"
                + "{\"k\":\"c\",\"all\":\"yes\",\"b\":[1741946851,270646000]" + stray + "},"
                + "{\"k\":\"u\",\"u\":5" + stray + "},"
                + "{\"u\":\"" + ALICE + "\"" + stray + "},"
                + "{\"k\":\"c\",\"u\":[\"" + ALICE + "\",\"" + carol + "\"],\"b\":null" + stray + "}]}";

        Batch batch = BusCodec.decode(bytes(json));

        assertThat(batch.items()).isEmpty();
        assertThat(batch.unreadable()).hasSize(5);
        assertThat(batch.unreadable().subList(0, 4)).allSatisfy(item -> assertThat(item.recipients())
                .as("everyone catches up: %s", item.reason()).isEmpty());
        assertThat(batch.unreadable().get(4).recipients()).as("the users the catch-up lists")
                .containsExactly(ALICE, UserId.parse(carol));
    }

    /** What a peer wrote reaches the log as one line of at most 200 characters, labelled with a kind only if read. */
    @Test
    void aReasonIsOneShortLineWhateverThePeerWrote() {
        String json = "{\"v\":1,\"n\":\"x\",\"s\":1,\"i\":[{\"k\":\"zz\\nWARN forged line\"},{\"k\":\""
                + "z".repeat(10_000) + "\"},{\"k\":\"ty\",\"k\":5}]}";

        Batch batch = BusCodec.decode(bytes(json));

        assertThat(batch.unreadable()).hasSize(3).allSatisfy(item -> assertThat(item.reason())
                .doesNotContain("\n").hasSizeLessThanOrEqualTo(201));
        assertThat(batch.unreadable().get(0).reason()).startsWith("zz?WARN forged line");
        assertThat(batch.unreadable().get(2).reason()).isEqualTo("?: 'k' is not text");
    }

    /** Items that are no list, a batch without them and anything after a batch are doubtful: everyone catches up. */
    @Test
    void aBatchWhoseItemsAreNoListOrWithSomethingAfterItIsNoBatch() {
        String alice = "{\"k\":\"u\",\"u\":\"" + ALICE + "\"}";
        for (String json : List.of(
                "{\"v\":1,\"n\":\"x\",\"s\":1,\"i\":5}",
                "{\"v\":1,\"n\":\"x\",\"s\":1,\"i\":{\"0\":" + alice + "}}",
                "{\"v\":1,\"n\":\"x\",\"s\":1,\"i\":[" + alice + "],\"i\":null}",
                "{\"v\":1,\"n\":\"x\",\"s\":1}",
                "{\"v\":1,\"n\":\"x\",\"s\":1,\"i\":[]}{\"v\":1,\"n\":\"x\",\"s\":2,\"i\":[" + alice + "]}",
                "{\"v\":1,\"n\":\"x\",\"s\":1,\"i\":[]}," + alice,
                "{\"v\":1,\"n\":\"x\",\"s\":1,\"i\":[]}x")) {
            assertThatThrownBy(() -> BusCodec.decode(bytes(json))).as(json)
                    .isInstanceOf(IllegalArgumentException.class).hasMessageStartingWith("not a bus batch");
        }
    }

    /** A delivery is exactly {@code [user, audience]}; any other shape is unreadable, never read as a shorter one. */
    @Test
    void aDeliveryIsExactlyAUserAndAnAudience() {
        String typing = "\"k\":\"ty\",\"f\":\"" + ALICE + "\",\"r\":\"" + BOB + "\",\"at\":[1741946851,270646000]";
        String json = "{\"v\":1,\"n\":\"x\",\"s\":1,\"i\":["
                + "{" + typing + ",\"to\":[[\"" + BOB + "\",\"r\",{\"only-if\":\"x\"}]]},"
                + "{" + typing + ",\"to\":[[\"" + BOB + "\"]]},"
                + "{" + typing + ",\"to\":[[]]},"
                + "{" + typing + ",\"to\":[[\"" + BOB + "\",\"r\"],[\"not a user\",\"r\"]]},"
                + "{" + typing + ",\"to\":[[\"" + BOB + "\",\"r\"],[\"" + ALICE + "\",\"x\"]]},"
                + "{" + typing + ",\"to\":[]}]}";

        Batch batch = BusCodec.decode(bytes(json));

        assertThat(batch.items()).containsExactly(new Event(new UserTyping(ALICE, BOB, ChatFixtures.T0, List.of())));
        assertThat(batch.unreadable()).hasSize(5);
        assertThat(batch.unreadable().subList(0, 4)).allSatisfy(item -> assertThat(item.recipients()).isEmpty());
        assertThat(batch.unreadable().get(4).recipients()).as("an unknown audience: its users are known")
                .containsExactly(BOB, ALICE);
    }

    /** Nesting deeper than Jackson allows, anywhere: no batch (everyone catches up), never another exception. */
    @Test
    void deepNestingIsReadOrNoBatchNeverAnotherFailure() {
        for (int depth : new int[] {450, 100_000}) {
            String deep = "{\"a\":".repeat(depth) + "[".repeat(depth) + "]".repeat(depth) + "}".repeat(depth);
            for (String json : List.of("{\"v\":1,\"n\":\"x\",\"s\":1,\"zz\":" + deep + ",\"i\":[]}",
                    "{\"v\":1,\"n\":\"x\",\"s\":1,\"i\":[{\"k\":\"m\",\"m\":{\"a\":" + deep + "}}]}")) {
                try {
                    Batch batch = BusCodec.decode(bytes(json));
                    assertThat(depth).as("read only within Jackson's nesting limit").isLessThan(1_000);
                    assertThat(batch.items().size() + batch.unreadable().size()).isEqualTo(json.contains("[]}") ? 0 : 1);
                } catch (IllegalArgumentException noBatch) {
                    assertThat(depth).isGreaterThan(1_000);
                }
                assertThatCode(() -> BusCodec.publishedBy(bytes(json), "x")).doesNotThrowAnyException();
            }
        }
    }

    /**
     * Any value put anywhere in a batch's items, in place of another or under a name no build uses, leaves every item
     * either read or reported (never lost, never thrown out of the reader); under a new name, every item reads back
     * equal.
     */
    @Property(tries = 400)
    void anyValueAnywhereInTheItemsLeavesEveryItemReadOrReported(@ForAll("events") MessageStored event,
                                                                  @ForAll("json") Object value,
                                                                  @ForAll @net.jqwik.api.constraints.IntRange(min = 0,
                                                                          max = 10_000) int where,
                                                                  @ForAll boolean replace) throws Exception {
        List<Item> items = everyKind(event);
        com.fasterxml.jackson.databind.ObjectMapper mapper = new com.fasterxml.jackson.databind.ObjectMapper();
        com.fasterxml.jackson.databind.JsonNode batch = mapper.readTree(BusCodec.encode("node-a", 9, items));
        List<com.fasterxml.jackson.databind.node.ContainerNode<?>> containers = new java.util.ArrayList<>();
        collectContainers(batch.get("i"), containers);
        com.fasterxml.jackson.databind.node.ContainerNode<?> target = containers.get(where % containers.size());
        com.fasterxml.jackson.databind.JsonNode node = mapper.valueToTree(value);
        boolean renamed = false;
        int added = 0;
        if (target instanceof com.fasterxml.jackson.databind.node.ObjectNode object) {
            if (replace && object.size() > 0) {
                List<String> names = new java.util.ArrayList<>();
                object.fieldNames().forEachRemaining(names::add);
                object.set(names.get(where % names.size()), node);
            } else {
                object.set("zz-later", node);
                renamed = true;
            }
        } else {
            com.fasterxml.jackson.databind.node.ArrayNode array = (com.fasterxml.jackson.databind.node.ArrayNode) target;
            if (replace && array.size() > 0) {
                array.set(where % array.size(), node);
            } else {
                array.add(node);
                added = array == batch.get("i") ? 1 : 0;
            }
        }

        Batch read = BusCodec.decode(mapper.writeValueAsBytes(batch));

        assertThat(read.items().size() + read.unreadable().size()).isEqualTo(items.size() + added);
        if (renamed) {
            assertThat(read.unreadable()).isEmpty();
            assertThat(read.items()).isEqualTo(items);
        }
    }

    private static void collectContainers(com.fasterxml.jackson.databind.JsonNode node,
                                          List<com.fasterxml.jackson.databind.node.ContainerNode<?>> containers) {
        if (node instanceof com.fasterxml.jackson.databind.node.ContainerNode<?> container) {
            containers.add(container);
            node.forEach(child -> collectContainers(child, containers));
        }
    }

    @Provide
    Arbitrary<Object> json() {
        Arbitrary<Object> scalars = Arbitraries.oneOf(Arbitraries.just(null), Arbitraries.of(true, false),
                Arbitraries.longs().map(Object.class::cast), Arbitraries.doubles().map(Object.class::cast),
                Arbitraries.strings().ofMaxLength(8).map(Object.class::cast),
                Arbitraries.of("r", "s", "m", "text", "file", "deleted", ALICE.toString()).map(Object.class::cast),
                Arbitraries.just(new java.math.BigInteger("123456789012345678901234567890")).map(Object.class::cast));
        return Arbitraries.recursive(() -> scalars, inner -> Arbitraries.oneOf(
                inner.list().ofMaxSize(3).map(Object.class::cast),
                Combinators.combine(Arbitraries.of("k", "to", "m", "u", "at", "id", "x", "zz"), inner)
                        .as((name, element) -> {
                            java.util.Map<String, Object> object = new java.util.HashMap<>();
                            object.put(name, element);
                            return (Object) object;
                        })), 3);
    }

    @Test
    void anItemThatIsNoObjectIsReportedAndTheOthersAreRead() {
        String json = "{\"v\":1,\"n\":\"x\",\"s\":1,\"i\":[5,\"u\",[1,[2]],{\"k\":\"u\",\"u\":\"" + ALICE + "\"},"
                + "{\"k\":\"s\",\"to\":[[\"" + BOB + "\",7]]}]}";

        Batch batch = BusCodec.decode(bytes(json));

        assertThat(batch.items()).containsExactly(new UserChanged(ALICE));
        assertThat(batch.unreadable()).hasSize(4);
        assertThat(batch.unreadable().subList(0, 3)).allSatisfy(item -> assertThat(item.recipients()).isEmpty());
        assertThat(batch.unreadable().get(3).recipients()).as("an audience that is no text").containsExactly(BOB);
    }

    @Test
    void aBatchCutShortOrWithoutItsHeadIsNoBatch() {
        assertThatThrownBy(() -> BusCodec.decode(bytes("{\"v\":1,\"n\":\"x\",\"s\":1,\"i\":[{\"k\":\"u\"")))
                .isInstanceOf(IllegalArgumentException.class).hasMessageStartingWith("not a bus batch");
        assertThatThrownBy(() -> BusCodec.decode(bytes("{\"v\":1,\"n\":\"x\",\"s\":\"1\",\"i\":[]}")))
                .as("a sequence that is no number").isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> BusCodec.decode(bytes("[1]"))).isInstanceOf(IllegalArgumentException.class);
        assertThat(BusCodec.decode(bytes("{\"i\":[],\"s\":4,\"n\":\"x\",\"v\":1}")).sequence())
                .as("its head after its items").isEqualTo(4);
    }

    /**
     * Reading a message's item allocates no tree (the receivers' thread of every node reads every publication): at most
     * 2,000 bytes per item of a batch of eight text messages, against 3,180 when the batch was read as a Jackson tree.
     */
    @Test
    void aMessagesItemIsReadWithoutATree() {
        List<Item> items = new java.util.ArrayList<>();
        for (int i = 0; i < 8; i++) {
            Instant at = Instant.ofEpochSecond(1_764_000_000L + i, 123_456_789);
            Message message = new Message(new MessageId(1_000 + i), new ThreadId(7), ALICE, BOB,
                    new MessageContent.Text("hello there, this is message number " + i), at, at);
            items.add(new Event(new MessageStored(message, DeliveryPolicy.forStoredMessage(message),
                    Optional.of(new ClientMessageId("c-" + i)), Optional.empty(), Optional.empty(),
                    ThreadPosition.after(new MessageId(999 + i)))));
        }
        byte[] encoded = BusCodec.encode("node-a", 42, items);
        com.sun.management.ThreadMXBean threads =
                (com.sun.management.ThreadMXBean) java.lang.management.ManagementFactory.getThreadMXBean();
        for (int i = 0; i < 20_000; i++) {
            assertThat(BusCodec.decode(encoded).items()).hasSize(8);
        }
        int rounds = 2_000;
        long before = threads.getCurrentThreadAllocatedBytes();
        for (int i = 0; i < rounds; i++) {
            BusCodec.decode(encoded);
        }
        long perItem = (threads.getCurrentThreadAllocatedBytes() - before) / (rounds * 8L);

        assertThat(perItem).isLessThanOrEqualTo(2_000);
    }

    /** One item of every kind (the stored message's, an edit, a deletion, a read marker, typing, presence, a user's
     *  change, both catch-ups). */
    private static List<Item> everyKind(MessageStored event) {
        Message message = event.message();
        Message tombstone = message.deletedAt(message.updatedAt().plusSeconds(1));
        Message text = new Message(message.id(), message.threadId(), ALICE, BOB, new MessageContent.Text("before"),
                message.createdAt(), message.updatedAt());
        Message edited = text.editedTo(new MessageContent.Text("edited"), message.updatedAt());
        return List.of(new Event(event),
                new Event(new MessageEdited(edited, DeliveryPolicy.forEdit(edited), Optional.of(new ClientMessageId("e")))),
                new Event(new MessageDeleted(tombstone, DeliveryPolicy.forDeletion(tombstone), Optional.empty())),
                new Event(new MessageSeen(message.threadId(), BOB, message.id(), message.updatedAt(),
                        DeliveryPolicy.forReadMarker(message, BOB, true), Optional.of(new ClientMessageId("s")))),
                new Event(new UserTyping(ALICE, BOB, ChatFixtures.T0, DeliveryPolicy.forTyping(BOB))),
                new Event(new PresenceChanged(BOB, false, Optional.of(ChatFixtures.T0),
                        DeliveryPolicy.forPresence(List.of(ALICE)))),
                new Repeated(RepeatedSend.of(event)),
                new UserChanged(ALICE), new CatchUp(List.of(ALICE, BOB), false, ChatFixtures.T0),
                new CatchUp(List.of(), true, ChatFixtures.T0.plusNanos(1)));
    }

    /** The same JSON with the fields of every object (the batch's, its items' and their parts') in reverse order. */
    private static byte[] inReverseOrder(byte[] json) throws java.io.IOException {
        com.fasterxml.jackson.databind.ObjectMapper mapper = new com.fasterxml.jackson.databind.ObjectMapper();
        return mapper.writeValueAsBytes(reversed(mapper.readTree(json), mapper));
    }

    private static com.fasterxml.jackson.databind.JsonNode reversed(com.fasterxml.jackson.databind.JsonNode node,
                                                                    com.fasterxml.jackson.databind.ObjectMapper mapper) {
        if (node.isObject()) {
            List<String> names = new java.util.ArrayList<>();
            node.fieldNames().forEachRemaining(names::add);
            java.util.Collections.reverse(names);
            com.fasterxml.jackson.databind.node.ObjectNode copy = mapper.createObjectNode();
            names.forEach(name -> copy.set(name, reversed(node.get(name), mapper)));
            return copy;
        }
        if (node.isArray()) {
            com.fasterxml.jackson.databind.node.ArrayNode copy = mapper.createArrayNode();
            node.forEach(element -> copy.add(reversed(element, mapper)));
            return copy;
        }
        return node;
    }

    @Test
    void anotherVersionOrSomethingElseIsNoBatch() {
        assertThatThrownBy(() -> BusCodec.decode("{\"v\":2,\"n\":\"x\",\"s\":1,\"i\":[]}".getBytes(StandardCharsets.UTF_8)))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("version 2");
        assertThatThrownBy(() -> BusCodec.decode("hello".getBytes(StandardCharsets.UTF_8)))
                .isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> BusCodec.decode("{\"v\":1}".getBytes(StandardCharsets.UTF_8)))
                .isInstanceOf(IllegalArgumentException.class);
    }

    @Property(tries = 50)
    void aNodeKnowsItsOwnPublicationFromItsHeadAlone(@ForAll("events") MessageStored event) {
        byte[] own = BusCodec.encode("node-a", 11, List.of(new Event(event)));
        assertThat(BusCodec.publishedBy(own, "node-a")).isTrue();
        assertThat(BusCodec.publishedBy(own, "node-b")).as("another node's").isFalse();
        assertThat(BusCodec.publishedBy(BusCodec.encode("node-a", 12, List.of()), "node-a")).as("a heartbeat").isTrue();
    }

    @Test
    void onlyABatchOfThisVersionWithItsNodeInItsHeadIsKnownAsOwn() {
        assertThat(BusCodec.publishedBy(bytes("{\"v\":2,\"n\":\"node-a\",\"s\":1,\"i\":[]}"), "node-a"))
                .as("another version").isFalse();
        assertThat(BusCodec.publishedBy(bytes("{\"n\":\"node-a\",\"s\":1,\"i\":[]}"), "node-a"))
                .as("no version").isFalse();
        assertThat(BusCodec.publishedBy(bytes("{\"v\":1,\"i\":[],\"n\":\"node-a\",\"s\":1}"), "node-a"))
                .as("the node after the items: left to the full reading").isFalse();
        assertThat(BusCodec.publishedBy(bytes("{\"v\":1,\"n\":7,\"s\":1,\"i\":[]}"), "node-a")).isFalse();
        assertThat(BusCodec.publishedBy(bytes("hello"), "node-a")).isFalse();
        assertThat(BusCodec.publishedBy(bytes("{\"v\":1,\"n\":\"node-a\""), "node-a"))
                .as("cut short before its items: left to the full reading (no batch)").isFalse();
        assertThat(BusCodec.publishedBy(new byte[0], "node-a")).isFalse();
        String items = "\"s\":1,\"i\":[{\"k\":\"u\",\"u\":\"" + ALICE + "\"}]}";
        for (String twice : List.of("{\"v\":1,\"n\":\"node-a\",\"n\":\"node-b\"," + items,
                "{\"v\":1,\"n\":\"node-a\",\"n\":null," + items, "{\"v\":1,\"n\":\"node-a\",\"v\":2," + items,
                "{\"n\":\"node-a\",\"v\":1,\"v\":\"1\"," + items)) {
            assertThat(BusCodec.publishedBy(bytes(twice), "node-a")).as("given twice, left to the full reading: %s",
                    twice).isFalse();
        }
        for (String other : List.of("{\"v\":1,\"n\":\"node-a\",\"x\":[],\"n\":\"node-b\"," + items,
                "{\"v\":1,\"n\":\"node-a\",\"x\":{},\"v\":2," + items, "{\"v\":1,\"n\":\"node-a\"}",
                "{\"v\":1,\"n\":\"node-a\",\"s\":1}", "{\"v\":1,\"n\":\"node-a\",\"s\":\"1\",\"i\":[]}",
                "{\"v\":1,\"n\":\"node-a\",\"s\":1.5,\"i\":[]}", "{\"v\":1,\"n\":\"node-a\",\"s\":1,\"i\":5}",
                "{\"v\":1.0,\"n\":\"node-a\",\"s\":1,\"i\":[]}", "{\"n\":\"node-a\",\"v\":1,\"s\":1,\"i\":[]}")) {
            assertThat(BusCodec.publishedBy(bytes(other), "node-a")).as("not the head encode writes: %s", other)
                    .isFalse();
        }
    }

    private static byte[] bytes(String text) {
        return text.getBytes(StandardCharsets.UTF_8);
    }

    @Provide
    Arbitrary<MessageStored> events() {
        Arbitrary<String> text = Arbitraries.strings().ofMinLength(1).ofMaxLength(40)
                .filter(value -> !value.isBlank() && value.codePoints().noneMatch(cp -> cp >= 0xD800 && cp <= 0xDFFF)
                        && value.indexOf('\u0000') < 0);
        Arbitrary<Long> ids = Arbitraries.longs().between(1, Long.MAX_VALUE);
        Arbitrary<Instant> instants = Arbitraries.longs().between(0, 4_000_000_000L)
                .flatMap(second -> Arbitraries.integers().between(0, 999_999_999)
                        .map(nano -> Instant.ofEpochSecond(second, nano)));
        Arbitrary<ThreadPosition> positions = Arbitraries.oneOf(Arbitraries.just(ThreadPosition.unknown()),
                Arbitraries.just(ThreadPosition.first()), ids.map(id -> ThreadPosition.after(new MessageId(id))));
        Arbitrary<Optional<ClientMessageId>> clientIds = Arbitraries.oneOf(Arbitraries.just(Optional.empty()),
                text.map(value -> Optional.of(new ClientMessageId(value))));
        Arbitrary<Integer> kinds = Arbitraries.integers().between(0, 2);
        return Combinators.combine(kinds, text, ids, instants, positions, clientIds, Arbitraries.of(true, false))
                .as((kind, body, id, at, position, clientId, complete) -> {
                    MessageId messageId = new MessageId(id);
                    MessageContent content = switch (kind) {
                        case 0 -> new MessageContent.Text(body);
                        case 1 -> new MessageContent.File(complete ? body : null,
                                new Attachment("key-" + id, body, id % 100_000, "text/plain"));
                        default -> new MessageContent.ProfileShare(UserId.random());
                    };
                    Message message = new Message(messageId, new ThreadId(id), ALICE, BOB, content, at,
                            at.plusNanos(1));
                    Optional<User> profile = kind == 2
                            ? Optional.of(complete ? ChatFixtures.completeUser() : ChatFixtures.minimalUser())
                            : Optional.empty();
                    Optional<AttachmentLink> link = kind == 1
                            ? Optional.of(new AttachmentLink(messageId, "key-" + id, at.getEpochSecond(), "sig" + body))
                            : Optional.empty();
                    return new MessageStored(message, DeliveryPolicy.forStoredMessage(message),
                            kind == 0 ? clientId : Optional.empty(), profile, link, position);
                });
    }
}
