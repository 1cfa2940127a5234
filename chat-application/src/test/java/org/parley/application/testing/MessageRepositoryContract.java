package org.parley.application.testing;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.UUID;
import java.util.concurrent.CyclicBarrier;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;

import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.parley.application.port.out.AppendedMessage;
import org.parley.application.port.out.DraftToStore;
import org.parley.application.port.out.MessageRange;
import org.parley.application.port.out.MessageRange.Direction;
import org.parley.application.port.out.MessageRepository;
import org.parley.application.port.out.ThreadPosition;
import org.parley.domain.chat.Attachment;
import org.parley.domain.chat.ChatThread;
import org.parley.domain.chat.Message;
import org.parley.domain.chat.MessageContent;
import org.parley.domain.chat.MessageDraft;
import org.parley.domain.chat.MessageId;
import org.parley.domain.chat.Participants;
import org.parley.domain.delivery.ClientMessageId;
import org.parley.domain.user.User;

/**
 * What every {@link MessageRepository} must do. Extend it and implement {@link #newStorage()}. The tests never assume an
 * empty store: each creates its own users and threads.
 */
public abstract class MessageRepositoryContract {

    protected ChatStorage storage;
    protected MessageRepository messages;
    private User alice;
    private User bob;
    private ChatThread thread;

    /** The storage under test; called before each test. It may be shared with earlier tests. */
    protected abstract ChatStorage newStorage();

    @BeforeEach
    public void setUpStorage() {
        storage = newStorage();
        messages = storage.messages();
        alice = ChatFixtures.addUser(storage.users());
        bob = ChatFixtures.addUser(storage.users());
        thread = storage.threads().getOrCreate(Participants.of(alice.id(), bob.id()), ChatFixtures.T0);
    }

    @Test
    public void append_assigns_growing_ids_and_keeps_the_draft() {
        MessageDraft draft = draft(alice, new MessageContent.Text("hello"), 1);

        Message first = messages.append(draft);
        Message second = messages.append(draft(bob, new MessageContent.Text("hi"), 2));
        Message third = messages.append(draft(alice, new MessageContent.Text("how are you?"), 3));

        assertThat(first).isEqualTo(draft.storedAs(first.id()));
        assertThat(first.receiver()).isEqualTo(bob.id());
        assertThat(second.id()).isGreaterThan(first.id());
        assertThat(third.id()).isGreaterThan(second.id());
    }

    @Test
    public void the_highest_id_is_the_last_stored_in_any_thread() {
        long before = messages.highestId(); // 0 on an empty store; the store may be shared by the contract's tests
        assertThat(before).isNotNegative();

        messages.append(draft(alice, new MessageContent.Text("one"), 1));
        Message last = messages.appendAll(List.of(draft(bob, new MessageContent.Text("two"), 2),
                draft(alice, new MessageContent.Text("three"), 3))).get(1).message();

        assertThat(last.id().value()).isGreaterThan(before);
        assertThat(messages.highestId()).isEqualTo(last.id().value());
    }

    @Test
    public void the_messages_between_two_ids_are_read_from_every_thread_lowest_first_up_to_a_limit() {
        User carol = ChatFixtures.addUser(storage.users());
        ChatThread other = storage.threads().getOrCreate(Participants.of(alice.id(), carol.id()), ChatFixtures.T0);
        long before = messages.highestId();
        Message one = messages.append(draft(alice, new MessageContent.Text("one"), 1));
        Message two = messages.append(other.compose(carol.id(), new MessageContent.Text("two"), ChatFixtures.T0));
        Message three = messages.append(draft(bob, new MessageContent.Text("three"), 3));

        assertThat(messages.findBetween(before, three.id().value(), 10)).containsExactly(one, two, three);
        assertThat(messages.findBetween(one.id().value(), three.id().value(), 1)).containsExactly(two);
        assertThat(messages.findBetween(two.id().value(), two.id().value(), 10)).isEmpty();
        assertThatThrownBy(() -> messages.findBetween(before, three.id().value(), 0))
                .isInstanceOf(IllegalArgumentException.class);
    }

    @Test
    public void append_all_stores_a_batch_in_order_with_growing_ids() {
        User carol = ChatFixtures.addUser(storage.users());
        ChatThread other = storage.threads().getOrCreate(Participants.of(alice.id(), carol.id()), ChatFixtures.T0);
        Message before = messages.append(draft(alice, new MessageContent.Text("before"), 0));
        List<MessageDraft> batch = List.of(
                draft(alice, new MessageContent.Text("one"), 1),
                other.compose(carol.id(), new MessageContent.Text("elsewhere"), ChatFixtures.T0.plusSeconds(2)),
                draft(bob, new MessageContent.ProfileShare(carol.id()), 3),
                draft(alice, new MessageContent.File("caption",
                        new Attachment("chat/" + UUID.randomUUID(), "a.png", 12, "image/png")), 4),
                draft(bob, new MessageContent.Text("five"), 5));

        List<Message> stored = messagesOf(messages.appendAll(batch));
        Message after = messages.append(draft(alice, new MessageContent.Text("after"), 6));

        assertThat(stored).hasSize(batch.size());
        for (int i = 0; i < batch.size(); i++) {
            assertThat(stored.get(i)).isEqualTo(batch.get(i).storedAs(stored.get(i).id()));
            assertThat(messages.findById(stored.get(i).id())).contains(stored.get(i));
        }
        assertThat(stored.get(0).id()).isGreaterThan(before.id());
        assertThat(stored).extracting(Message::id).isSorted().doesNotHaveDuplicates();
        assertThat(after.id()).isGreaterThan(stored.get(stored.size() - 1).id());
        assertThat(messages.findInThread(thread.id(), range(before.id(), after.id(), Direction.OLDEST_FIRST), 10))
                .containsExactly(stored.get(0), stored.get(2), stored.get(3), stored.get(4));
    }

    @Test
    public void append_all_takes_a_batch_of_one_and_a_large_batch() {
        List<MessageDraft> large = new ArrayList<>();
        for (int i = 0; i < 1_000; i++) {
            large.add(draft(i % 2 == 0 ? alice : bob, new MessageContent.Text("bulk " + i), i));
        }

        List<Message> one = messagesOf(messages.appendAll(List.of(draft(alice, new MessageContent.Text("single"), 0))));
        List<Message> many = messagesOf(messages.appendAll(large));

        assertThat(one).singleElement().satisfies(message -> assertThat(messages.findById(message.id())).contains(message));
        assertThat(many).hasSize(1_000).extracting(Message::id).isSorted().doesNotHaveDuplicates();
        assertThat(many.get(0).id()).isGreaterThan(one.get(0).id());
        assertThat(messages.findInThread(thread.id(), range(one.get(0).id(), null, Direction.OLDEST_FIRST), 2_000))
                .containsExactlyElementsOf(many);
    }

    @Test
    public void the_first_message_of_a_thread_is_first_and_each_later_one_comes_after_the_one_before() {
        AppendedMessage first = messages.appendAll(List.of(draft(alice, new MessageContent.Text("one"), 1))).get(0);
        AppendedMessage second = messages.appendAll(List.of(draft(bob, new MessageContent.Text("two"), 2))).get(0);
        Message third = messages.append(draft(alice, new MessageContent.Text("three"), 3));
        AppendedMessage fourth = messages.appendAll(List.of(draft(bob, new MessageContent.Text("four"), 4))).get(0);

        assertThat(first.position()).isEqualTo(ThreadPosition.first());
        assertThat(second.position()).isEqualTo(ThreadPosition.after(first.message().id()));
        assertThat(fourth.position()).isEqualTo(ThreadPosition.after(third.id()));
    }

    @Test
    public void messages_of_one_thread_in_one_batch_each_come_after_the_one_before() {
        Message before = messages.append(draft(alice, new MessageContent.Text("before"), 0));

        List<AppendedMessage> batch = messages.appendAll(List.of(
                draft(alice, new MessageContent.Text("one"), 1),
                draft(bob, new MessageContent.Text("two"), 2),
                draft(alice, new MessageContent.Text("three"), 3)));

        assertThat(batch).extracting(AppendedMessage::position).containsExactly(
                ThreadPosition.after(before.id()),
                ThreadPosition.after(batch.get(0).message().id()),
                ThreadPosition.after(batch.get(1).message().id()));
    }

    @Test
    public void two_threads_interleaved_in_one_batch_each_keep_their_own_order() {
        User carol = ChatFixtures.addUser(storage.users());
        ChatThread other = storage.threads().getOrCreate(Participants.of(alice.id(), carol.id()), ChatFixtures.T0);
        Message before = messages.append(draft(alice, new MessageContent.Text("before"), 0));

        List<AppendedMessage> batch = messages.appendAll(List.of(
                other.compose(carol.id(), new MessageContent.Text("other one"), ChatFixtures.T0),
                draft(bob, new MessageContent.Text("mine one"), 1),
                other.compose(alice.id(), new MessageContent.Text("other two"), ChatFixtures.T0),
                draft(alice, new MessageContent.Text("mine two"), 2),
                draft(bob, new MessageContent.Text("mine three"), 3),
                other.compose(carol.id(), new MessageContent.Text("other three"), ChatFixtures.T0)));
        AppendedMessage later = messages.appendAll(List.of(
                other.compose(alice.id(), new MessageContent.Text("other four"), ChatFixtures.T0))).get(0);

        assertThat(batch).extracting(AppendedMessage::position).containsExactly(
                ThreadPosition.first(),
                ThreadPosition.after(before.id()),
                ThreadPosition.after(batch.get(0).message().id()),
                ThreadPosition.after(batch.get(1).message().id()),
                ThreadPosition.after(batch.get(3).message().id()),
                ThreadPosition.after(batch.get(2).message().id()));
        assertThat(later.position()).isEqualTo(ThreadPosition.after(batch.get(5).message().id()));
    }

    /** Positions name each message's predecessor in id order: read back, a thread's messages form one chain. */
    @Test
    public void the_positions_of_a_thread_form_one_chain_in_id_order() {
        List<AppendedMessage> appended = new ArrayList<>();
        for (int round = 0; round < 4; round++) {
            List<MessageDraft> batch = new ArrayList<>();
            for (int i = 0; i <= round; i++) {
                batch.add(draft(i % 2 == 0 ? alice : bob, new MessageContent.Text("round " + round + " #" + i), i));
            }
            appended.addAll(messages.appendAll(batch));
        }

        List<Message> thread = messages.findInThread(this.thread.id(), range(null, null, Direction.OLDEST_FIRST), 100);
        assertThat(thread).containsExactlyElementsOf(messagesOf(appended));
        assertThat(appended.get(0).position()).isEqualTo(ThreadPosition.first());
        for (int i = 1; i < appended.size(); i++) {
            assertThat(appended.get(i).position()).isEqualTo(ThreadPosition.after(thread.get(i - 1).id()));
        }
    }

    @Test
    public void append_all_refuses_an_empty_batch() {
        assertThatThrownBy(() -> messages.appendAll(List.of())).isInstanceOf(IllegalArgumentException.class);
    }

    @Test
    public void text_reads_back_equal_including_emoji_and_other_scripts() {
        assertRoundTrip(new MessageContent.Text("Hello 👋🏽 — ñandú, 你好, مرحبا\nsecond line\t\"quoted\" 'single' \\"));
    }

    @Test
    public void file_with_caption_reads_back_equal() {
        assertRoundTrip(new MessageContent.File("look at this",
                new Attachment("chat/2025/03/" + UUID.randomUUID(), "holiday photo (1).jpg", 2_621_440,
                        "image/jpeg")));
    }

    @Test
    public void file_without_caption_keeps_null_and_empty_apart() {
        assertRoundTrip(new MessageContent.File(null,
                new Attachment("chat/" + UUID.randomUUID(), "report.pdf", 0, "application/pdf")));
        assertRoundTrip(new MessageContent.File("",
                new Attachment("chat/" + UUID.randomUUID(), "notes.txt", 17, "text/plain")));
    }

    @Test
    public void profile_share_reads_back_equal() {
        User shared = ChatFixtures.addUser(storage.users());

        assertRoundTrip(new MessageContent.ProfileShare(shared.id()));
    }

    @Test
    public void referenced_storage_keys_are_those_some_file_message_names() {
        String named = "ref-" + UUID.randomUUID();
        String namedTwice = "ref-" + UUID.randomUUID();
        String namedByNone = "ref-" + UUID.randomUUID();
        User carol = ChatFixtures.addUser(storage.users());
        ChatThread other = storage.threads().getOrCreate(Participants.of(alice.id(), carol.id()), ChatFixtures.T0);
        messages.appendAll(List.of(
                draft(alice, new MessageContent.File("", new Attachment(named, "a.png", 3, "image/png")), 1),
                draft(bob, new MessageContent.File("x", new Attachment(namedTwice, "b.txt", 4, "text/plain")), 2),
                other.compose(carol.id(), new MessageContent.File(null,
                        new Attachment(namedTwice, "b.txt", 4, "text/plain")), ChatFixtures.T0.plusSeconds(3)),
                draft(alice, new MessageContent.Text(namedByNone), 4)));

        assertThat(messages.referencedStorageKeys(List.of(named, namedTwice, namedByNone)))
                .containsExactlyInAnyOrder(named, namedTwice);
        assertThat(messages.referencedStorageKeys(List.of(namedByNone))).isEmpty();
        assertThat(messages.referencedStorageKeys(List.of())).isEmpty();
    }

    @Test
    public void referenced_storage_keys_answers_a_full_batch_and_refuses_a_larger_one() {
        String named = "ref-" + UUID.randomUUID();
        messages.append(draft(alice, new MessageContent.File("", new Attachment(named, "a.png", 3, "image/png")), 1));
        List<String> batch = new ArrayList<>();
        batch.add(named);
        while (batch.size() < MessageRepository.MAX_KEYS_PER_QUERY) {
            batch.add("none-" + UUID.randomUUID());
        }

        assertThat(messages.referencedStorageKeys(batch)).containsExactly(named);
        batch.add("one-too-many");
        assertThatThrownBy(() -> messages.referencedStorageKeys(batch)).isInstanceOf(IllegalArgumentException.class);
    }

    @Test
    public void an_unknown_id_is_not_found() {
        assertThat(messages.findById(new MessageId(Long.MAX_VALUE))).isEmpty();
    }

    @Test
    public void newest_first_takes_the_newest_of_the_range() {
        List<Message> m = conversationOfFive();

        assertThat(messages.findInThread(thread.id(), MessageRange.newest(), 3))
                .containsExactly(m.get(4), m.get(3), m.get(2));
        assertThat(messages.findInThread(thread.id(), MessageRange.newest(), 50))
                .containsExactly(m.get(4), m.get(3), m.get(2), m.get(1), m.get(0));
    }

    @Test
    public void oldest_first_takes_the_oldest_of_the_range() {
        List<Message> m = conversationOfFive();

        assertThat(messages.findInThread(thread.id(), range(null, null, Direction.OLDEST_FIRST), 2))
                .containsExactly(m.get(0), m.get(1));
    }

    @Test
    public void bounds_are_exclusive_in_both_directions() {
        List<Message> m = conversationOfFive();
        MessageId first = m.get(0).id();
        MessageId last = m.get(4).id();

        assertThat(messages.findInThread(thread.id(), range(first, last, Direction.NEWEST_FIRST), 10))
                .containsExactly(m.get(3), m.get(2), m.get(1));
        assertThat(messages.findInThread(thread.id(), range(first, last, Direction.OLDEST_FIRST), 2))
                .containsExactly(m.get(1), m.get(2));
        assertThat(messages.findInThread(thread.id(), range(m.get(2).id(), null, Direction.OLDEST_FIRST), 10))
                .containsExactly(m.get(3), m.get(4));
        assertThat(messages.findInThread(thread.id(), range(null, m.get(2).id(), Direction.NEWEST_FIRST), 10))
                .containsExactly(m.get(1), m.get(0));
        assertThat(messages.findInThread(thread.id(), range(m.get(3).id(), m.get(4).id(), Direction.NEWEST_FIRST), 10))
                .isEmpty();
        assertThat(messages.findInThread(thread.id(), range(last, null, Direction.OLDEST_FIRST), 10)).isEmpty();
    }

    @Test
    public void a_thread_without_messages_has_none() {
        User carol = ChatFixtures.addUser(storage.users());
        ChatThread silent = storage.threads().getOrCreate(Participants.of(alice.id(), carol.id()), ChatFixtures.T0);

        assertThat(messages.findInThread(silent.id(), MessageRange.newest(), 10)).isEmpty();
    }

    @Test
    public void files_in_thread_are_only_the_file_messages_of_that_thread_within_the_range() {
        User carol = ChatFixtures.addUser(storage.users());
        ChatThread other = storage.threads().getOrCreate(Participants.of(alice.id(), carol.id()), ChatFixtures.T0);
        List<Message> files = new ArrayList<>();
        for (int i = 0; i < 4; i++) {
            messages.append(draft(alice, new MessageContent.Text("text " + i), i));
            files.add(messages.append(draft(bob, new MessageContent.File("f" + i,
                    new Attachment("key-" + i, "f" + i + ".bin", i, "application/octet-stream")), i)));
            messages.append(draft(alice, new MessageContent.ProfileShare(carol.id()), i));
            messages.append(other.compose(carol.id(), new MessageContent.File(null,
                    new Attachment("other-" + i, "o.bin", 1, "application/octet-stream")), ChatFixtures.T0));
        }

        assertThat(messages.findFilesInThread(thread.id(), MessageRange.newest(), 10))
                .containsExactly(files.get(3), files.get(2), files.get(1), files.get(0));
        assertThat(messages.findFilesInThread(thread.id(), MessageRange.newest(), 2))
                .containsExactly(files.get(3), files.get(2));
        assertThat(messages.findFilesInThread(thread.id(), range(null, files.get(2).id(), Direction.NEWEST_FIRST), 10))
                .containsExactly(files.get(1), files.get(0));
        assertThat(messages.findFilesInThread(thread.id(), range(files.get(0).id(), files.get(3).id(),
                Direction.OLDEST_FIRST), 10))
                .containsExactly(files.get(1), files.get(2));
    }

    // Contract §12: edits and tombstones.

    @Test
    public void an_edit_is_read_back_with_its_text_flag_and_time_and_keeps_the_rest() {
        Message sent = messages.append(draft(alice, new MessageContent.Text("helo"), 1));
        var at = ChatFixtures.T0.plusSeconds(90).plus(3, ChronoUnit.MICROS);

        assertThat(messages.saveEdit(sent.id(), new MessageContent.Text("hello 🎉"), at)).isTrue();

        Message expected = sent.editedTo(new MessageContent.Text("hello 🎉"), at);
        assertThat(messages.findById(sent.id())).contains(expected);
        assertThat(messages.findInThread(thread.id(), MessageRange.newest(), 1)).containsExactly(expected);
        assertThat(storage.threads().findActivityOf(bob.id()).stream()
                .filter(activity -> activity.thread().id().equals(thread.id()))
                .findFirst().orElseThrow().lastMessage()).contains(expected);
    }

    @Test
    public void a_deletion_leaves_a_tombstone_of_every_kind_and_frees_the_storage_key() {
        String key = "chat/" + UUID.randomUUID();
        Message text = messages.append(draft(alice, new MessageContent.Text("oops"), 1));
        Message file = messages.append(draft(alice, new MessageContent.File("caption",
                new Attachment(key, "a.png", 12, "image/png")), 2));
        Message profile = messages.append(draft(alice, new MessageContent.ProfileShare(bob.id()), 3));
        var at = ChatFixtures.T0.plusSeconds(90).plus(5, ChronoUnit.MICROS);

        for (Message message : List.of(text, file, profile)) {
            assertThat(messages.saveDeletion(message.id(), at)).isTrue();
            assertThat(messages.findById(message.id())).contains(message.deletedAt(at));
        }
        assertThat(messages.referencedStorageKeys(List.of(key))).isEmpty();
        assertThat(messages.findFilesInThread(thread.id(), MessageRange.newest(), 10)).isEmpty();
        assertThat(messages.findInThread(thread.id(), MessageRange.newest(), 3))
                .containsExactly(profile.deletedAt(at), file.deletedAt(at), text.deletedAt(at));
    }

    @Test
    public void an_edited_message_deleted_stays_edited_and_a_deleted_one_is_neither_edited_nor_deleted_again() {
        Message sent = messages.append(draft(alice, new MessageContent.Text("one"), 1));
        var edit = ChatFixtures.T0.plusSeconds(10);
        var deletion = ChatFixtures.T0.plusSeconds(20);
        messages.saveEdit(sent.id(), new MessageContent.Text("two"), edit);

        assertThat(messages.saveDeletion(sent.id(), deletion)).isTrue();
        assertThat(messages.saveDeletion(sent.id(), deletion.plusSeconds(1))).isFalse();
        assertThat(messages.saveEdit(sent.id(), new MessageContent.Text("three"), deletion.plusSeconds(2))).isFalse();

        Message tombstone = messages.findById(sent.id()).orElseThrow();
        assertThat(tombstone.deleted()).isTrue();
        assertThat(tombstone.edited()).isTrue();
        assertThat(tombstone.updatedAt()).isEqualTo(deletion);
    }

    @Test
    public void unknown_ids_are_neither_edited_nor_deleted() {
        MessageId unknown = new MessageId(Long.MAX_VALUE - 7);

        assertThat(messages.saveEdit(unknown, new MessageContent.Text("x"), ChatFixtures.T0)).isFalse();
        assertThat(messages.saveDeletion(unknown, ChatFixtures.T0)).isFalse();
        assertThat(messages.findById(unknown)).isEmpty();
    }

    /** Five messages in the thread under test, interleaved with messages of another thread; oldest first. */
    private List<Message> conversationOfFive() {
        User carol = ChatFixtures.addUser(storage.users());
        ChatThread other = storage.threads().getOrCreate(Participants.of(alice.id(), carol.id()), ChatFixtures.T0);
        List<Message> mine = new ArrayList<>();
        for (int i = 0; i < 5; i++) {
            mine.add(messages.append(draft(i % 2 == 0 ? alice : bob, new MessageContent.Text("message " + i), i)));
            messages.append(other.compose(carol.id(), new MessageContent.Text("elsewhere " + i),
                    ChatFixtures.T0.plusSeconds(i)));
        }
        return mine;
    }

    private void assertRoundTrip(MessageContent content) {
        Message stored = messages.append(draft(alice, content, 42));

        assertThat(messages.findById(stored.id())).contains(stored);
        assertThat(stored.content()).isEqualTo(content);
        assertThat(stored.type()).isEqualTo(content.type());
    }

    // Contract §14: idempotent sending. Every test's users are its own, so its keys are too.

    @Test
    public void a_client_message_id_repeated_in_one_batch_is_stored_once_and_answered_with_the_first() {
        ClientMessageId key = new ClientMessageId("k-" + UUID.randomUUID());
        List<AppendedMessage> answers = messages.appendNew(List.of(
                keyed(draft(alice, new MessageContent.Text("first"), 1), key),
                keyed(draft(bob, new MessageContent.Text("plain"), 2), null),
                keyed(draft(alice, new MessageContent.Text("again"), 3), key),
                keyed(draft(bob, new MessageContent.Text("bob's own"), 4), key)));

        assertThat(answers).extracting(AppendedMessage::repeat).containsExactly(false, false, true, false);
        assertThat(answers.get(2).message()).isEqualTo(answers.get(0).message());
        assertThat(answers.get(2).position()).isEqualTo(ThreadPosition.unknown());
        assertThat(answers.get(3).position()).isEqualTo(ThreadPosition.after(answers.get(1).message().id()));
        assertThat(messages.findInThread(thread.id(), MessageRange.newest(), 10)).extracting(Message::content)
                .containsExactly(new MessageContent.Text("bob's own"), new MessageContent.Text("plain"),
                        new MessageContent.Text("first"));
    }

    @Test
    public void a_client_message_id_stored_in_an_earlier_batch_is_answered_with_that_message_and_stores_nothing() {
        ClientMessageId key = new ClientMessageId("k-" + UUID.randomUUID());
        Message original = messages.appendNew(List.of(keyed(draft(alice, new MessageContent.Text("first"), 1), key)))
                .get(0).message();

        List<AppendedMessage> later = messages.appendNew(List.of(
                keyed(draft(bob, new MessageContent.Text("plain"), 2), null),
                keyed(draft(alice, new MessageContent.Text("resent after a reconnect"), 9), key),
                keyed(draft(alice, new MessageContent.Text("plain again"), 10), null)));

        assertThat(later).extracting(AppendedMessage::repeat).containsExactly(false, true, false);
        assertThat(later.get(1).message()).isEqualTo(original);
        assertThat(later.get(2).position()).isEqualTo(ThreadPosition.after(later.get(0).message().id()));
        assertThat(messages.findInThread(thread.id(), MessageRange.newest(), 10)).hasSize(3);
        assertThat(messages.appendNew(List.of(keyed(draft(alice, new MessageContent.Text("x"), 11), key))))
                .singleElement().satisfies(answer -> {
                    assertThat(answer.repeat()).isTrue();
                    assertThat(answer.message()).isEqualTo(original);
                });
    }

    @Test
    public void messages_without_a_client_message_id_are_always_stored() {
        MessageDraft same = draft(alice, new MessageContent.Text("same"), 1);

        List<AppendedMessage> answers = messages.appendNew(List.of(keyed(same, null), keyed(same, null)));
        messages.appendAll(List.of(same));

        assertThat(answers).noneMatch(AppendedMessage::repeat);
        assertThat(messages.findInThread(thread.id(), MessageRange.newest(), 10)).hasSize(3);
    }

    /**
     * Senders racing with the same key, each in a batch of its own with other messages, at the same moment, in two
     * threads (so the thread locks do not order them): exactly one message is stored per key, every answer for it
     * names that message, and every other message of the batches is stored.
     */
    @Test
    public void concurrent_batches_with_the_same_client_message_id_store_it_once_and_every_other_message() throws Exception {
        User carol = ChatFixtures.addUser(storage.users());
        ChatThread other = storage.threads().getOrCreate(Participants.of(alice.id(), carol.id()), ChatFixtures.T0);
        int racers = 4;
        int rounds = 15;
        ExecutorService pool = Executors.newFixedThreadPool(racers);
        List<List<AppendedMessage>> keyedAnswers = new ArrayList<>();
        try {
            for (int round = 0; round < rounds; round++) {
                ClientMessageId key = new ClientMessageId("race-" + round + "-" + UUID.randomUUID());
                CyclicBarrier start = new CyclicBarrier(racers);
                List<Future<List<AppendedMessage>>> batches = new ArrayList<>();
                for (int racer = 0; racer < racers; racer++) {
                    ChatThread in = racer % 2 == 0 ? thread : other;
                    String name = "r" + round + "-" + racer;
                    batches.add(pool.submit(() -> {
                        start.await(10, TimeUnit.SECONDS);
                        return messages.appendNew(List.of(
                                keyed(in.compose(alice.id(), new MessageContent.Text(name + " before"),
                                        ChatFixtures.T0), null),
                                keyed(in.compose(alice.id(), new MessageContent.Text(name + " keyed"),
                                        ChatFixtures.T0), key),
                                keyed(in.compose(alice.id(), new MessageContent.Text(name + " after"),
                                        ChatFixtures.T0), null)));
                    }));
                }
                List<AppendedMessage> forKey = new ArrayList<>();
                for (Future<List<AppendedMessage>> batch : batches) {
                    List<AppendedMessage> answers = batch.get(30, TimeUnit.SECONDS);
                    assertThat(answers.get(0).repeat()).isFalse();
                    assertThat(answers.get(2).repeat()).isFalse();
                    forKey.add(answers.get(1));
                }
                keyedAnswers.add(forKey);
            }
        } finally {
            pool.shutdownNow();
        }

        for (List<AppendedMessage> forKey : keyedAnswers) {
            assertThat(forKey).filteredOn(answer -> !answer.repeat()).hasSize(1);
            assertThat(forKey).extracting(AppendedMessage::message).containsOnly(forKey.get(0).message());
        }
        int stored = messages.findInThread(thread.id(), MessageRange.newest(), 1_000).size()
                + messages.findInThread(other.id(), MessageRange.newest(), 1_000).size();
        assertThat(stored).isEqualTo(rounds * (2 * racers + 1));
    }

    private static DraftToStore keyed(MessageDraft draft, ClientMessageId key) {
        return new DraftToStore(draft, Optional.ofNullable(key));
    }

    private MessageDraft draft(User sender, MessageContent content, int secondsAfterT0) {
        return thread.compose(sender.id(), content,
                ChatFixtures.T0.plusSeconds(secondsAfterT0).plus(17, ChronoUnit.MICROS));
    }

    private static List<Message> messagesOf(List<AppendedMessage> appended) {
        return appended.stream().map(AppendedMessage::message).toList();
    }

    private static MessageRange range(MessageId after, MessageId before, Direction direction) {
        return new MessageRange(Optional.ofNullable(after), Optional.ofNullable(before), direction);
    }
}
