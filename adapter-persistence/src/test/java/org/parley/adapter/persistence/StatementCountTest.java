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
import org.parley.application.port.out.AppendedMessage;
import org.parley.application.port.out.DraftToStore;
import org.parley.domain.chat.ChatThread;
import org.parley.domain.chat.MessageDraft;
import org.parley.domain.chat.Participants;
import org.parley.domain.delivery.ClientMessageId;
import org.parley.domain.user.UserId;

/**
 * The thread list and the user look-up cost the same number of SQL statements whatever their size, counted with
 * Hibernate's statistics (every statement Hibernate prepares), without the caches (StorageCachesTest counts what
 * they save).
 */
class StatementCountTest {

    @RegisterExtension
    static final DatabasePerClass DATABASE = new DatabasePerClass(CacheSettings.none(),
            Map.of(AvailableSettings.GENERATE_STATISTICS, true));
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
     * size and however many threads it spans (before issue 12 it was two: ids and rows).
     */
    @Test
    void appendingABatchIsFourStatementsForOneMessageAndForTwoHundredInTwentyFiveThreads() {
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

        assertThat(forOne).isEqualTo(4);
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

        assertThat(forOne).as("lock, latest, ids, rows: fresh keys are not looked up").isEqualTo(4);
        assertThat(forMany).isEqualTo(forOne);
        assertThat(forRepeats).as("lock, latest, keys; no ids, no rows").isEqualTo(3);
    }

    private static long statementsFor(Runnable work) {
        statistics.clear();
        work.run();
        return statistics.getPrepareStatementCount();
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
