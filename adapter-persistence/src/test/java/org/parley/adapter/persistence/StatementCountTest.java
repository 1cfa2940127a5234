package org.parley.adapter.persistence;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;

import org.hibernate.cfg.AvailableSettings;
import org.hibernate.stat.Statistics;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.parley.adapter.persistence.testing.PostgresForTests;
import org.parley.application.port.out.AppendedMessage;
import org.parley.application.port.out.DraftToStore;
import org.parley.domain.chat.ChatThread;
import org.parley.domain.chat.MessageDraft;
import org.parley.domain.chat.Participants;
import org.parley.domain.delivery.ClientMessageId;
import org.parley.domain.user.UserId;

/**
 * The thread list and the user look-up cost the same number of SQL statements whatever their size, and group commit's
 * batch the same number and the same SQL texts, counted on Hibernate's connections ({@link RecordingConnections}:
 * every statement prepared, by Hibernate or by a repository's own JDBC on the session's connection), without the
 * caches (StorageCachesTest counts what they save).
 */
class StatementCountTest {

    private static final RecordingConnections CONNECTIONS = new RecordingConnections();
    /**
     * The statements that open a batch without a key look-up: the lock, the latest ids and the new ids, one by one on
     * H2, as one text (one round trip) on PostgreSQL ({@link ThreadOrder#LOCK_LATEST_AND_IDS}).
     */
    private static final int OPENING = PostgresForTests.selected() ? 1 : 3;
    @RegisterExtension
    static final DatabasePerClass DATABASE = new DatabasePerClass(CacheSettings.none(),
            Map.of(AvailableSettings.GENERATE_STATISTICS, true, AvailableSettings.CONNECTION_PROVIDER, CONNECTIONS));
    private static Statistics statistics;

    @BeforeAll
    static void start() {
        statistics = DATABASE.get().module().sessionFactory().getStatistics();
    }

    @Test
    void theActivityOfAUserIsOneStatementForOneThreadAndForTwentyFive() {
        UserId few = userWithThreads(1);
        UserId many = userWithThreads(25);

        long forOne = statementsFor(() -> assertThat(DATABASE.get().module().threads().findActivityOf(few)).hasSize(1));
        long forMany = statementsFor(() -> assertThat(DATABASE.get().module().threads().findActivityOf(many))
                .hasSize(25)
                .allSatisfy(activity -> assertThat(activity.lastMessage()).isPresent()));

        assertThat(forOne).isEqualTo(1);
        assertThat(forMany).isEqualTo(forOne);
    }

    /**
     * The thread list's read state (contract §11): both markers and the unread count of every thread of a user are one
     * statement for one thread as for twenty-five, and marking costs a constant number too.
     */
    @Test
    void theReadingOfAUserIsOneStatementForOneThreadAndForTwentyFive() {
        UserId few = userWithThreads(1);
        UserId many = userWithThreads(25);
        var markers = DATABASE.get().module().readMarkers();
        for (var activity : DATABASE.get().module().threads().findActivityOf(many)) {
            markers.advance(activity.thread().id(), many, activity.lastMessage().orElseThrow().id(), Fixtures.at(50));
        }

        long forOne = statementsFor(() -> assertThat(markers.findReadingOf(few)).hasSize(1)
                .allSatisfy((thread, reading) -> assertThat(reading.unreadCount()).isEqualTo(1)));
        long forMany = statementsFor(() -> assertThat(markers.findReadingOf(many)).hasSize(25)
                .allSatisfy((thread, reading) -> assertThat(reading.unreadCount()).isZero()));

        assertThat(forOne).isEqualTo(1);
        assertThat(forMany).isEqualTo(forOne);
    }

    @Test
    void findingUsersByIdIsOneStatementForOneIdAndForTwentyFive() {
        List<UserId> ids = new ArrayList<>();
        for (int i = 0; i < 25; i++) {
            ids.add(DATABASE.newUser());
        }

        long forOne = statementsFor(() -> assertThat(DATABASE.get().module().userAccounts().findAllById(ids.subList(0, 1)))
                .hasSize(1));
        long forMany = statementsFor(() -> assertThat(DATABASE.get().module().userAccounts().findAllById(ids)).hasSize(25));

        assertThat(forOne).isEqualTo(1);
        assertThat(forMany).isEqualTo(forOne);
    }

    /**
     * Group commit's write path: the batch's threads locked in one statement and their latest messages read in one
     * (ThreadOrder), the batch's ids in one statement and its rows in one JDBC batch — four statements whatever its
     * size and however many threads it spans (before issue 12 it was two: ids and rows); on PostgreSQL the first
     * three go as one text, one round trip ({@link ThreadOrder#LOCK_LATEST_AND_IDS}), so two.
     */
    @Test
    void appendingABatchIsTheSameStatementsForOneMessageAndForTwoHundredInTwentyFiveThreads() {
        UserId me = DATABASE.newUser();
        List<ChatThread> threads = new ArrayList<>();
        for (int i = 0; i < 25; i++) {
            threads.add(DATABASE.get().module().threads().getOrCreate(Participants.of(me, DATABASE.newUser()),
                    Fixtures.at(0)));
        }
        List<MessageDraft> many = new ArrayList<>();
        for (int i = 0; i < 200; i++) {
            ChatThread thread = threads.get(i % threads.size());
            many.add(thread.compose(i % 2 == 0 ? me : thread.participants().otherThan(me), Fixtures.text("batch " + i),
                    Fixtures.at(i)));
        }

        long forOne = statementsFor(() -> DATABASE.get().module().messages().appendAll(many.subList(0, 1)));
        long forMany = statementsFor(() -> assertThat(DATABASE.get().module().messages().appendAll(many)).hasSize(200));

        assertThat(forOne).isEqualTo(OPENING + 1);
        assertThat(forMany).isEqualTo(forOne);
        assertThat(statistics.getTransactionCount()).isEqualTo(1);
    }

    /**
     * Contract §14: a batch of fresh client_msg_ids costs no statement more than a batch without keys; a batch with a
     * key this server saw lately (a resend) costs one more (the look-up of its keys, for the whole batch), whatever the
     * number of keys. A batch of repeats only stores nothing and draws no ids.
     */
    @Test
    void keysCostOneStatementPerBatchWhateverTheirNumberAndRepeatsDrawNoIds() {
        UserId me = DATABASE.newUser();
        ChatThread thread = DATABASE.get().module().threads().getOrCreate(Participants.of(me, DATABASE.newUser()),
                Fixtures.at(0));
        List<DraftToStore> keyed = new ArrayList<>();
        for (int i = 0; i < 100; i++) {
            keyed.add(new DraftToStore(thread.compose(me, Fixtures.text("keyed " + i), Fixtures.at(i)),
                    Optional.of(new ClientMessageId("key-" + i))));
        }

        long forOne = statementsFor(() -> DATABASE.get().module().messages().appendNew(keyed.subList(0, 1)));
        long forMany = statementsFor(() -> assertThat(DATABASE.get().module().messages().appendNew(keyed.subList(1, 100)))
                .noneMatch(AppendedMessage::repeat));
        long forRepeats = statementsFor(() -> assertThat(DATABASE.get().module().messages().appendNew(keyed))
                .allMatch(AppendedMessage::repeat));

        assertThat(forOne).as("lock, latest, ids, rows: fresh keys are not looked up").isEqualTo(OPENING + 1);
        assertThat(forMany).isEqualTo(forOne);
        assertThat(forRepeats).as("lock, latest, keys; no ids, no rows").isEqualTo(3);
    }

    /**
     * Issue 16: group commit's statements have one SQL text each whatever the batch's size and number of threads (no
     * IN-list that grows with the batch), so the driver and the database see the same few texts batch after batch:
     * batches of 1, 2, 7 and 100 new messages in up to 5 threads prepare exactly the same texts, in the same order —
     * four without a key look-up, six with the look-up (of the new messages' keys and one repeat's) and the webhook
     * outbox.
     */
    @Test
    void batchesOfEverySizePrepareTheSameSqlTexts() {
        UserId me = DATABASE.newUser();
        List<ChatThread> threads = new ArrayList<>();
        for (int i = 0; i < 5; i++) {
            threads.add(DATABASE.get().module().threads().getOrCreate(Participants.of(me, DATABASE.newUser()),
                    Fixtures.at(0)));
        }
        var messages = DATABASE.get().module().messages();
        ClientMessageId seen = new ClientMessageId("seen-before");
        messages.appendNew(List.of(new DraftToStore(threads.get(0).compose(me, Fixtures.text("first"), Fixtures.at(0)),
                Optional.of(seen))));

        List<List<String>> plain = new ArrayList<>();
        List<List<String>> lookedUp = new ArrayList<>();
        for (int size : new int[] {1, 2, 7, 100}) {
            List<MessageDraft> drafts = new ArrayList<>();
            // The seen key makes a repeat likely, so the batch's keys are looked up; the others are fresh.
            List<DraftToStore> keyed = new ArrayList<>(List.of(new DraftToStore(
                    threads.get(0).compose(me, Fixtures.text("again"), Fixtures.at(0)), Optional.of(seen))));
            for (int i = 0; i < size; i++) {
                ChatThread thread = threads.get(i % threads.size());
                drafts.add(thread.compose(me, Fixtures.text("plain " + size + "/" + i), Fixtures.at(i)));
                keyed.add(new DraftToStore(thread.compose(me, Fixtures.text("keyed " + size + "/" + i), Fixtures.at(i)),
                        Optional.of(new ClientMessageId("k-" + size + "-" + i))));
            }
            CONNECTIONS.clear();
            assertThat(messages.appendAll(drafts)).hasSize(size);
            plain.add(CONNECTIONS.prepared());
            CONNECTIONS.clear();
            List<AppendedMessage> answers = messages.appendNewRecordingEvents(keyed);
            lookedUp.add(CONNECTIONS.prepared());
            assertThat(answers).hasSize(size + 1);
            assertThat(answers.get(0).repeat()).isTrue();
            assertThat(answers.subList(1, size + 1)).noneMatch(AppendedMessage::repeat);
        }

        assertThat(plain.get(0)).hasSize(OPENING + 1).doesNotHaveDuplicates();
        assertThat(plain).allSatisfy(texts -> assertThat(texts).isEqualTo(plain.get(0)));
        assertThat(lookedUp.get(0)).as("lock, latest, keys, ids, rows, outbox").hasSize(6).doesNotHaveDuplicates();
        if (PostgresForTests.selected()) {
            assertThat(plain.get(0).get(0)).isEqualTo(ThreadOrder.LOCK_LATEST_AND_IDS);
            assertThat(lookedUp.get(0)).contains(ThreadOrder.LOCK, ThreadOrder.LATEST,
                    SequenceIds.MESSAGE_IDS_ON_POSTGRESQL, plain.get(0).get(1));
        } else {
            assertThat(lookedUp.get(0)).containsAll(plain.get(0));
        }
        assertThat(lookedUp).allSatisfy(texts -> assertThat(texts).isEqualTo(lookedUp.get(0)));
    }

    private static long statementsFor(Runnable work) {
        statistics.clear();
        CONNECTIONS.clear();
        work.run();
        return CONNECTIONS.prepared().size();
    }

    /** A user with this many threads, each with two messages, and where the other side also has other threads. */
    private static UserId userWithThreads(int count) {
        UserId me = DATABASE.newUser();
        for (int i = 0; i < count; i++) {
            UserId other = DATABASE.newUser();
            ChatThread thread = DATABASE.get().module().threads().getOrCreate(Participants.of(me, other), Fixtures.at(i));
            DATABASE.get().module().messages().append(thread.compose(me, Fixtures.text("hello " + i), Fixtures.at(i)));
            DATABASE.get().module().messages().append(thread.compose(other, Fixtures.text("hi " + i), Fixtures.at(i + 1)));
            DATABASE.get().module().threads().getOrCreate(Participants.of(other, DATABASE.newUser()),
                    Fixtures.at(i));
        }
        return me;
    }
}
