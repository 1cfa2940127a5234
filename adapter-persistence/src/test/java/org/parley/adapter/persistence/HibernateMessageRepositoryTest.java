package org.parley.adapter.persistence;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.SQLException;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.UUID;
import java.util.concurrent.CyclicBarrier;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;

import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.parley.application.port.out.AppendedMessage;
import org.parley.application.port.out.DraftToStore;
import org.parley.application.port.out.MessageRange;
import org.parley.application.port.out.MessageRange.Direction;
import org.parley.application.port.out.MessageRepository;
import org.parley.application.port.out.ThreadPosition;
import org.parley.domain.chat.ChatThread;
import org.parley.domain.chat.Message;
import org.parley.domain.chat.MessageContent;
import org.parley.domain.chat.MessageDraft;
import org.parley.domain.chat.MessageId;
import org.parley.domain.chat.Participants;
import org.parley.domain.chat.ThreadId;
import org.parley.domain.delivery.ClientMessageId;
import org.parley.domain.user.UserId;

/** The Hibernate message store on a real database: every kind of content, ids and ranges. */
class HibernateMessageRepositoryTest {

    @RegisterExtension
    static final DatabasePerClass DATABASE = new DatabasePerClass();
    private static MessageRepository messages;

    @BeforeAll
    static void start() {
        messages = DATABASE.get().module().messages();
    }

    /**
     * Two servers on one database (each its own pool and Hibernate) storing messages in turn: the ids follow the order
     * in which messages were stored, whichever server stored them, so after=/before= pages stay right.
     */
    @Test
    void idsGrowInTheOrderMessagesAreStoredEvenAcrossTwoServers() {
        UserId a = DATABASE.newUser();
        UserId b = DATABASE.newUser();
        ChatThread thread = thread(a, b);
        List<Long> ids = new ArrayList<>();
        try (PersistenceModule secondServer = DATABASE.get().secondServer()) {
            for (int i = 0; i < 10; i++) {
                MessageRepository server = i % 2 == 0 ? messages : secondServer.messages();
                ids.add(server.append(thread.compose(a, Fixtures.text("turn " + i), Fixtures.at(i))).id().value());
            }
        }

        assertThat(ids).isSorted().doesNotHaveDuplicates();
        assertThat(messages.findInThread(thread.id(), new MessageRange(Optional.of(new MessageId(ids.get(4))), Optional.empty(), Direction.OLDEST_FIRST), 100))
                .extracting(message -> message.id().value())
                .containsExactlyElementsOf(ids.subList(5, 10));
    }

    /**
     * A batch naming a thread that does not exist stores nothing (the lock finds fewer threads than asked: an update
     * counting fewer rows on H2, fewer rows locked on PostgreSQL) and names the missing thread.
     */
    @Test
    void aBatchNamingAThreadThatDoesNotExistStoresNothingAndNamesIt() {
        UserId a = DATABASE.newUser();
        UserId b = DATABASE.newUser();
        ChatThread real = thread(a, b);
        ChatThread missing = new ChatThread(new ThreadId(real.id().value() + 1_000_000), Participants.of(a, b),
                Fixtures.at(0));

        assertThatThrownBy(() -> messages.appendNew(List.of(
                DraftToStore.always(real.compose(a, Fixtures.text("in a real thread"), Fixtures.at(1))),
                DraftToStore.always(missing.compose(a, Fixtures.text("in no thread"), Fixtures.at(2))))))
                .hasStackTraceContaining("No thread [" + missing.id().value() + "]");
        assertThat(messages.findInThread(real.id(),
                new MessageRange(Optional.empty(), Optional.empty(), Direction.OLDEST_FIRST), 10)).isEmpty();
    }

    @Test
    void everyKindOfMessageComesBackExactly() {
        UserId a = DATABASE.newUser();
        UserId b = DATABASE.newUser();
        ChatThread thread = thread(a, b);
        List<MessageContent> contents = List.of(
                Fixtures.text("Hello, \"world\" 🌍 — ünïcödé\nsecond line"),
                Fixtures.text("x".repeat(50_000)),
                Fixtures.file("a caption"),
                Fixtures.file(null),
                Fixtures.file(""),
                new MessageContent.ProfileShare(DATABASE.newUser()));

        for (MessageContent content : contents) {
            MessageDraft draft = thread.compose(a, content, Fixtures.T0);
            Message stored = messages.append(draft);

            assertThat(stored).isEqualTo(draft.storedAs(stored.id()));
            assertThat(messages.findById(stored.id())).contains(stored);
        }
    }

    /**
     * Group commit answers each stored message from its draft (MessageMapper.stored), not from its row read back; the
     * answer must be what every later read returns, at the edges of what the columns keep: instants with nanoseconds
     * just below a microsecond, a second and a day (which the database would round up, not truncate), before 1970,
     * in the year 9999 and at the epoch; text that is astral, combining and not NFC, a BOM, bidi controls, line and
     * paragraph separators, CR LF, noncharacters and U+10FFFF; captions and file names likewise.
     */
    @Test
    void aMessageAnsweredFromItsDraftIsWhatEveryLaterReadReturnsAtTheEdges() {
        UserId a = DATABASE.newUser();
        UserId b = DATABASE.newUser();
        ChatThread thread = thread(a, b);
        String odd = "\uFEFF😀 e\u0301 \u212B \u202Eevil\u202C \u2028\u2029\r\n \uFFFE\uFFFF \uDBFF\uDFFF 👩\u200D👧";
        List<java.time.Instant> instants = List.of(
                java.time.Instant.parse("2026-11-30T23:59:59.999999999Z"),
                java.time.Instant.parse("2026-11-30T12:00:00.000000500Z"),
                java.time.Instant.parse("2026-11-30T12:00:00.123456999Z"),
                java.time.Instant.parse("1969-12-31T23:59:59.999999999Z"),
                java.time.Instant.parse("1900-01-01T00:00:00.000001Z"),
                java.time.Instant.EPOCH,
                java.time.Instant.parse("9999-12-31T23:59:59.999999999Z"));
        List<MessageContent> contents = List.of(Fixtures.text(odd),
                new MessageContent.File(odd, new org.parley.domain.chat.Attachment("key-" + UUID.randomUUID(),
                        odd + ".png", 0, "image/png")),
                new MessageContent.ProfileShare(DATABASE.newUser()));
        List<DraftToStore> batch = new ArrayList<>();
        for (java.time.Instant at : instants) {
            for (MessageContent content : contents) {
                batch.add(new DraftToStore(thread.compose(a, content, at), Optional.empty()));
            }
        }

        List<AppendedMessage> stored = messages.appendNew(batch);

        for (AppendedMessage answer : stored) {
            Message message = answer.message();
            assertThat(messages.findById(message.id())).as("read back %s", message).contains(message);
        }
        assertThat(messages.findInThread(thread.id(), MessageRange.newest(), 100))
                .containsExactlyInAnyOrderElementsOf(stored.stream().map(AppendedMessage::message).toList());
        assertThat(stored.get(0).message().createdAt()).isEqualTo(java.time.Instant.parse("2026-11-30T23:59:59.999999Z"));
    }

    /**
     * Issue 16: group commit writes its rows with plain JDBC ({@link MessageRows}); each row must be what Hibernate
     * wrote for the same entity, column by column as the database returns them (timestamps with their microseconds and
     * offset, non-ASCII text, NULL content columns and client_msg_id, file and profile messages), and read back by
     * Hibernate as the message the batch answered with.
     */
    @Test
    void rowsOfABatchAreTheRowsHibernateWritesAndReadBackEqual() throws SQLException {
        UserId a = DATABASE.newUser();
        UserId b = DATABASE.newUser();
        ChatThread thread = thread(a, b);
        java.time.Instant micros = Fixtures.T0.plusNanos(1_000);
        List<DraftToStore> batch = List.of(
                new DraftToStore(thread.compose(a, Fixtures.text("Grüße, 你好 🌍 \"quoted\"\nline two"), micros),
                        Optional.of(new ClientMessageId("row-key-ü"))),
                new DraftToStore(thread.compose(b, Fixtures.text("no key"), Fixtures.T0), Optional.empty()),
                new DraftToStore(thread.compose(a, Fixtures.file("caption ✓"), Fixtures.at(1)), Optional.empty()),
                new DraftToStore(thread.compose(b, Fixtures.file(null), Fixtures.at(2)),
                        Optional.of(new ClientMessageId("file-key"))),
                new DraftToStore(thread.compose(a, new MessageContent.ProfileShare(DATABASE.newUser()), Fixtures.at(3)),
                        Optional.empty()));

        List<AppendedMessage> stored = messages.appendNew(batch);

        assertThat(stored).noneMatch(AppendedMessage::repeat);
        for (int i = 0; i < batch.size(); i++) {
            Message message = stored.get(i).message();
            assertThat(message).isEqualTo(batch.get(i).draft().storedAs(message.id()));
            assertThat(messages.findById(message.id())).contains(message);
        }
        assertThat(messages.findInThread(thread.id(), MessageRange.newest(), 10)).extracting(Message::id)
                .containsExactlyInAnyOrderElementsOf(stored.stream().map(answer -> answer.message().id()).toList());
        assertThat(messages.appendNew(List.of(batch.get(0), batch.get(3)))).allMatch(AppendedMessage::repeat)
                .extracting(AppendedMessage::message).containsExactly(stored.get(0).message(), stored.get(3).message());

        // The same entities written by Hibernate itself, under other ids (and keys, the constraint being unique).
        List<Long> hibernateIds = new ArrayList<>();
        try (org.hibernate.StatelessSession session = DATABASE.get().module().sessionFactory().openStatelessSession()) {
            org.hibernate.Transaction transaction = session.beginTransaction();
            for (int i = 0; i < batch.size(); i++) {
                MessageEntity entity = MessageMapper.newEntity(batch.get(i).draft());
                entity.id = stored.get(i).message().id().value() + 1_000_000_000L;
                entity.clientMsgId = batch.get(i).clientMessageId().map(key -> key.value() + "-h").orElse(null);
                session.insert(entity);
                hibernateIds.add(entity.id);
            }
            transaction.commit();
        }
        for (int i = 0; i < batch.size(); i++) {
            List<String> ours = columns(stored.get(i).message().id().value());
            List<String> hibernates = columns(hibernateIds.get(i));
            assertThat(ours.subList(1, 11)).as("row %d", i).isEqualTo(hibernates.subList(1, 11));
            assertThat(ours.subList(12, ours.size())).as("row %d", i).isEqualTo(hibernates.subList(12, ours.size()));
            String key = batch.get(i).clientMessageId().map(ClientMessageId::value).orElse(null);
            assertThat(ours.get(11)).isEqualTo(key);
            assertThat(hibernates.get(11)).isEqualTo(key == null ? null : key + "-h");
        }
        try (Connection connection = DATABASE.get().connect();
             PreparedStatement select = connection.prepareStatement(
                     "SELECT created_at, updated_at FROM messages WHERE id = ?")) {
            select.setLong(1, stored.get(0).message().id().value());
            try (java.sql.ResultSet row = select.executeQuery()) {
                assertThat(row.next()).isTrue();
                assertThat(row.getObject(1, java.time.OffsetDateTime.class).toInstant()).isEqualTo(micros)
                        .isEqualTo(Instant.parse("2026-11-24T21:30:15.123457Z"));
                assertThat(row.getObject(2, java.time.OffsetDateTime.class).toInstant()).isEqualTo(micros);
            }
        }
    }

    /** Every column of a message's row as the database renders it ({@code getString}), in the table's order. */
    private static List<String> columns(long id) throws SQLException {
        try (Connection connection = DATABASE.get().connect();
             PreparedStatement select = connection.prepareStatement("SELECT id, thread_id, sender_id, receiver_id, "
                     + "message_type, body, storage_key, file_name, size_bytes, content_type, attached_profile_id, "
                     + "client_msg_id, created_at, updated_at, edited, deleted FROM messages WHERE id = ?")) {
            select.setLong(1, id);
            try (java.sql.ResultSet row = select.executeQuery()) {
                assertThat(row.next()).as("row " + id).isTrue();
                List<String> values = new ArrayList<>();
                for (int column = 1; column <= 16; column++) {
                    values.add(row.getString(column));
                }
                return values;
            }
        }
    }

    @Test
    void idsGrowWithEveryAppend() {
        ChatThread thread = thread(DATABASE.newUser(), DATABASE.newUser());
        List<MessageId> ids = new ArrayList<>();
        for (int i = 0; i < 120; i++) {
            ids.add(messages.append(thread.compose(thread.participants().first(), Fixtures.text("m" + i),
                    Fixtures.at(i))).id());
        }

        assertThat(ids).isSorted().doesNotHaveDuplicates();
    }

    @Test
    void rangesAreTakenFromTheEndTheDirectionNames() {
        ChatThread thread = thread(DATABASE.newUser(), DATABASE.newUser());
        ChatThread other = thread(DATABASE.newUser(), DATABASE.newUser());
        List<Message> sent = new ArrayList<>();
        for (int i = 0; i < 10; i++) {
            sent.add(messages.append(thread.compose(thread.participants().second(), Fixtures.text("m" + i),
                    Fixtures.at(i))));
            messages.append(other.compose(other.participants().first(), Fixtures.text("noise" + i), Fixtures.at(i)));
        }

        assertThat(messages.findInThread(thread.id(), MessageRange.newest(), 3))
                .containsExactly(sent.get(9), sent.get(8), sent.get(7));
        assertThat(messages.findInThread(thread.id(), range(null, sent.get(5), Direction.NEWEST_FIRST), 2))
                .containsExactly(sent.get(4), sent.get(3));
        assertThat(messages.findInThread(thread.id(), range(sent.get(5), null, Direction.OLDEST_FIRST), 2))
                .containsExactly(sent.get(6), sent.get(7));
        assertThat(messages.findInThread(thread.id(), range(sent.get(2), sent.get(6), Direction.NEWEST_FIRST), 10))
                .containsExactly(sent.get(5), sent.get(4), sent.get(3));
        assertThat(messages.findInThread(thread.id(), range(sent.get(2), sent.get(6), Direction.OLDEST_FIRST), 10))
                .containsExactly(sent.get(3), sent.get(4), sent.get(5));
        assertThat(messages.findInThread(thread.id(), range(sent.get(9), null, Direction.OLDEST_FIRST), 10)).isEmpty();
        assertThat(messages.findInThread(new ThreadId(Long.MAX_VALUE), MessageRange.newest(), 10)).isEmpty();
    }

    @Test
    void aMessageInAThreadThatDoesNotExistIsRefusedByTheDatabase() {
        MessageDraft orphan = new MessageDraft(new ThreadId(Long.MAX_VALUE), DATABASE.newUser(), DATABASE.newUser(),
                Fixtures.text("lost"), Fixtures.T0);

        assertThatThrownBy(() -> messages.append(orphan)).isInstanceOf(RuntimeException.class);
    }

    /** A batch is one transaction: when one of its rows is refused, none of them is stored. */
    @Test
    void aBatchWithOneRefusedRowStoresNothing() {
        ChatThread thread = thread(DATABASE.newUser(), DATABASE.newUser());
        MessageDraft good = thread.compose(thread.participants().first(), Fixtures.text("good"), Fixtures.T0);
        MessageDraft orphan = new MessageDraft(new ThreadId(Long.MAX_VALUE), DATABASE.newUser(), DATABASE.newUser(),
                Fixtures.text("lost"), Fixtures.T0);

        assertThatThrownBy(() -> messages.appendAll(List.of(good, orphan, good))).isInstanceOf(RuntimeException.class);

        assertThat(messages.findInThread(thread.id(), MessageRange.newest(), 10)).isEmpty();
        assertThat(messages.appendAll(List.of(good))).singleElement()
                .satisfies(stored -> assertThat(messages.findById(stored.message().id())).contains(stored.message()));
    }

    /** Batches of two servers in turn: every batch's ids are above those of every batch stored before it. */
    @Test
    void batchesOfTwoServersTakeIdsInTheOrderTheyAreStored() {
        UserId a = DATABASE.newUser();
        UserId b = DATABASE.newUser();
        ChatThread thread = thread(a, b);
        List<Long> ids = new ArrayList<>();
        try (PersistenceModule secondServer = DATABASE.get().secondServer()) {
            for (int round = 0; round < 6; round++) {
                MessageRepository server = round % 2 == 0 ? messages : secondServer.messages();
                List<MessageDraft> batch = new ArrayList<>();
                for (int i = 0; i < 1 + round * 7; i++) {
                    batch.add(thread.compose(i % 2 == 0 ? a : b, Fixtures.text("round " + round + " #" + i),
                            Fixtures.at(i)));
                }
                server.appendAll(batch).forEach(stored -> ids.add(stored.message().id().value()));
            }
        }

        assertThat(ids).hasSize(1 + 8 + 15 + 22 + 29 + 36).isSorted().doesNotHaveDuplicates();
        assertThat(messages.findInThread(thread.id(), range(null, null, Direction.OLDEST_FIRST), 500))
                .extracting(message -> message.id().value())
                .containsExactlyElementsOf(ids);
    }

    /**
     * Contract §14 across servers: two servers (each its own pool and Hibernate) store batches holding the same
     * sender's client_msg_id at the same moment, one in each of the sender's two threads, so no thread lock orders
     * them and the unique constraint decides: one message is stored, both batches answer with it, and the loser's
     * other messages are stored all the same (its batch is stored again after the violation).
     */
    @Test
    void twoServersStoringTheSameClientMessageIdAtOnceStoreOneMessageAndEveryOther() throws Exception {
        UserId sender = DATABASE.newUser();
        ChatThread first = thread(sender, DATABASE.newUser());
        ChatThread second = thread(sender, DATABASE.newUser());
        ExecutorService pool = Executors.newFixedThreadPool(2);
        try (PersistenceModule secondServer = DATABASE.get().secondServer()) {
            for (int round = 0; round < 10; round++) {
                ClientMessageId key = new ClientMessageId("two-servers-" + round);
                CyclicBarrier start = new CyclicBarrier(2);
                Future<List<AppendedMessage>> onA = pool.submit(() -> race(start, messages, first, sender, key));
                Future<List<AppendedMessage>> onB = pool.submit(() -> race(start, secondServer.messages(), second,
                        sender, key));
                List<AppendedMessage> a = onA.get(30, TimeUnit.SECONDS);
                List<AppendedMessage> b = onB.get(30, TimeUnit.SECONDS);

                assertThat(List.of(a.get(1), b.get(1))).filteredOn(answer -> !answer.repeat()).hasSize(1);
                assertThat(a.get(1).message()).isEqualTo(b.get(1).message());
                assertThat(List.of(a.get(0), a.get(2), b.get(0), b.get(2))).noneMatch(AppendedMessage::repeat);
            }
        } finally {
            pool.shutdownNow();
        }
        assertThat(messages.findInThread(first.id(), range(null, null, Direction.OLDEST_FIRST), 100).size()
                + messages.findInThread(second.id(), range(null, null, Direction.OLDEST_FIRST), 100).size())
                .isEqualTo(10 * 5);
    }

    /**
     * A key stored through another server is not among this server's recent keys, so its batch is inserted without a
     * look-up and the JDBC batch of rows fails on {@code uq_messages_sender_client_msg_id} (here in the batch's second
     * chunk of {@value HibernateMessageRepository#JDBC_BATCH_SIZE} rows): {@link UniqueViolation} must recognise that
     * failure, so the batch is stored again with the look-up, the repeat answered with the stored message and every
     * other message stored, once.
     */
    @Test
    void aKeyStoredElsewhereFailsTheRowBatchAndTheBatchIsStoredAgainWithTheLookUp() {
        UserId sender = DATABASE.newUser();
        ChatThread thread = thread(sender, DATABASE.newUser());
        ClientMessageId key = new ClientMessageId("stored-elsewhere");
        Message original;
        try (PersistenceModule secondServer = DATABASE.get().secondServer()) {
            original = secondServer.messages().appendNew(List.of(new DraftToStore(
                    thread.compose(sender, Fixtures.text("original"), Fixtures.at(0)), Optional.of(key))))
                    .get(0).message();
        }
        int size = HibernateMessageRepository.JDBC_BATCH_SIZE + 100;
        int repeatAt = HibernateMessageRepository.JDBC_BATCH_SIZE + 50;
        List<DraftToStore> batch = new ArrayList<>();
        for (int i = 0; i < size; i++) {
            batch.add(new DraftToStore(thread.compose(sender, Fixtures.text("m" + i), Fixtures.at(i + 1)),
                    i == repeatAt ? Optional.of(key) : Optional.of(new ClientMessageId("fresh-" + i))));
        }

        List<AppendedMessage> answers = messages.appendNew(batch);

        assertThat(answers).hasSize(size);
        assertThat(answers.get(repeatAt).repeat()).isTrue();
        assertThat(answers.get(repeatAt).message()).isEqualTo(original);
        assertThat(answers).filteredOn(answer -> !answer.repeat()).hasSize(size - 1);
        assertThat(messages.findInThread(thread.id(), MessageRange.newest(), 1_000)).hasSize(size);
    }

    private static List<AppendedMessage> race(CyclicBarrier start, MessageRepository server, ChatThread thread,
                                              UserId sender, ClientMessageId key) throws Exception {
        start.await(10, TimeUnit.SECONDS);
        return server.appendNew(List.of(
                new DraftToStore(thread.compose(sender, Fixtures.text("before"), Fixtures.at(1)), Optional.empty()),
                new DraftToStore(thread.compose(sender, Fixtures.text("keyed"), Fixtures.at(2)), Optional.of(key)),
                new DraftToStore(thread.compose(sender, Fixtures.text("after"), Fixtures.at(3)), Optional.empty())));
    }

    /**
     * Rows written around the sequence (an import that did not move it on) leave it behind a thread's latest message:
     * a new message there would get a smaller id and be skipped by every client catching up with after=, so the store
     * refuses it, saying what to do, and stores nothing; other threads are unaffected.
     */
    @Test
    void aSequenceBehindAThreadsLatestMessageIsRefusedWithWhatToDo() throws SQLException {
        ChatThread imported = thread(DATABASE.newUser(), DATABASE.newUser());
        ChatThread other = thread(DATABASE.newUser(), DATABASE.newUser());
        long aboveTheSequence = 8_000_000_000L;
        try (Connection connection = DATABASE.get().connect();
             PreparedStatement insert = connection.prepareStatement("INSERT INTO messages (id, thread_id, sender_id, "
                     + "receiver_id, message_type, body, created_at, updated_at) VALUES (?, ?, ?, ?, 'text', 'old', "
                     + "CURRENT_TIMESTAMP, CURRENT_TIMESTAMP)")) {
            insert.setLong(1, aboveTheSequence);
            insert.setLong(2, imported.id().value());
            insert.setObject(3, imported.participants().first().value());
            insert.setObject(4, imported.participants().second().value());
            assertThat(insert.executeUpdate()).isEqualTo(1);
        }
        MessageDraft behind = imported.compose(imported.participants().second(), Fixtures.text("new"), Fixtures.T0);
        MessageDraft elsewhere = other.compose(other.participants().first(), Fixtures.text("fine"), Fixtures.T0);

        assertThatThrownBy(() -> messages.appendAll(List.of(elsewhere, behind)))
                .hasMessageContaining("already holds message " + aboveTheSequence)
                .hasMessageContaining("set it past the largest message id");

        assertThat(messages.findInThread(imported.id(), MessageRange.newest(), 10))
                .extracting(message -> message.id().value()).containsExactly(aboveTheSequence);
        assertThat(messages.findInThread(other.id(), MessageRange.newest(), 10)).isEmpty();
        assertThat(messages.appendAll(List.of(elsewhere))).singleElement()
                .satisfies(stored -> assertThat(stored.position()).isEqualTo(ThreadPosition.first()));
    }

    @Test
    void unknownIdsAreEmpty() {
        assertThat(messages.findById(new MessageId(Long.MAX_VALUE))).isEmpty();
    }

    private static MessageRange range(Message after, Message before, Direction direction) {
        return new MessageRange(Optional.ofNullable(after).map(Message::id), Optional.ofNullable(before).map(Message::id),
                direction);
    }

    private static ChatThread thread(UserId a, UserId b) {
        return DATABASE.get().module().threads().getOrCreate(Participants.of(a, b), Fixtures.T0);
    }
}
