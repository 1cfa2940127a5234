package org.parley.adapter.persistence;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Path;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.UUID;

import org.hibernate.cfg.AvailableSettings;
import org.hibernate.stat.Statistics;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.condition.EnabledIfSystemProperty;
import org.junit.jupiter.api.io.TempDir;
import org.parley.adapter.persistence.testing.PostgresForTests;
import org.parley.application.port.out.AppendedMessage;
import org.parley.application.port.out.DraftToStore;
import org.parley.application.port.out.MessageRange;
import org.parley.application.port.out.ThreadActivity;
import org.parley.application.port.out.ThreadPosition;
import org.parley.domain.chat.ChatThread;
import org.parley.domain.chat.MessageDraft;
import org.parley.domain.chat.MessageId;
import org.parley.domain.chat.ThreadId;
import org.parley.domain.delivery.ClientMessageId;
import org.parley.domain.user.UserId;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * At scale on PostgreSQL — 1,000,000 messages in 10,000 threads — a history page, a user's thread list and the
 * statements that order a batch's stores in their threads are served from indexes: the statements really sent (Hibernate's and the repositories' own JDBC, as prepared on the connections) are explained by PostgreSQL, and no plan reads {@code messages}
 * (or {@code chat_threads}) with a sequential scan. The thread list stays one statement however many threads a user
 * has. The data is loaded with set-based SQL ({@code generate_series}), not a row at a time.
 */
@EnabledIfSystemProperty(named = PostgresForTests.MODE_PROPERTY, matches = "postgres",
        disabledReason = "a PostgreSQL plan test: runs in the PostgreSQL run only")
class QueryPlansOnPostgresTest {

    private static final Logger LOG = LoggerFactory.getLogger(QueryPlansOnPostgresTest.class);
    private static final int HUBS = 100;
    private static final int THREADS = 10_000;
    private static final int MESSAGES = 1_000_000;
    /** Every statement prepared on Hibernate's connections, the repositories' own JDBC included. */
    private static final RecordingConnections CONNECTIONS = new RecordingConnections();

    @TempDir
    static Path dir;
    private static TestDatabase database;
    private static Statistics statistics;

    @BeforeAll
    static void loadAMillionMessages() throws SQLException {
        database = TestDatabase.fresh(dir, Map.of(
                AvailableSettings.GENERATE_STATISTICS, true,
                AvailableSettings.CONNECTION_PROVIDER, CONNECTIONS));
        statistics = database.module().sessionFactory().getStatistics();
        long started = System.nanoTime();
        try (Connection connection = database.connect(); Statement sql = connection.createStatement()) {
            // Users 1..100 are "hubs" with 100 threads each; users 101..10100 have one thread each. Ids are small
            // numbers as UUIDs, so PostgreSQL's and Java's UUID orders agree and every pair is in canonical order.
            sql.execute("""
                    INSERT INTO users (id, email, email_normalized, fullname, account_type, is_active,
                        is_email_verified, is_phone_verified, is_profile_complete, is_staff, is_admin, is_superuser,
                        created_at, updated_at)
                    SELECT ('00000000-0000-0000-0000-' || lpad(to_hex(n), 12, '0'))::uuid,
                        'user' || n || '@example.org', 'user' || n || '@example.org', 'User ' || n, 'user',
                        true, true, false, true, false, false, false, now(), now()
                    FROM generate_series(1, %d) n
                    """.formatted(HUBS + THREADS));
            sql.execute("""
                    INSERT INTO chat_threads (id, first_user_id, second_user_id, created_at)
                    SELECT n, ('00000000-0000-0000-0000-' || lpad(to_hex((n - 1) %% %d + 1), 12, '0'))::uuid,
                        ('00000000-0000-0000-0000-' || lpad(to_hex(%d + n), 12, '0'))::uuid,
                        timestamptz '2026-01-01 00:00:00+00'
                    FROM generate_series(1, %d) n
                    """.formatted(HUBS, HUBS, THREADS));
            sql.execute("SELECT setval('chat_threads_id_seq', " + THREADS + ")");
            // Message g is in thread (g - 1) % 10000 + 1, written in turn by its two people, one second apart.
            sql.execute("""
                    INSERT INTO messages (id, thread_id, sender_id, receiver_id, message_type, body, created_at,
                        updated_at)
                    SELECT g, t.id,
                        CASE WHEN g %% 2 = 0 THEN t.first_user_id ELSE t.second_user_id END,
                        CASE WHEN g %% 2 = 0 THEN t.second_user_id ELSE t.first_user_id END,
                        'text', 'message ' || g,
                        timestamptz '2026-01-01 00:00:00+00' + g * interval '1 second',
                        timestamptz '2026-01-01 00:00:00+00' + g * interval '1 second'
                    FROM generate_series(1, %d) g
                    JOIN chat_threads t ON t.id = (g - 1) %% %d + 1
                    """.formatted(MESSAGES, THREADS));
            sql.execute("SELECT setval('messages_id_seq', " + MESSAGES + ")");
            sql.execute("ANALYZE users");
            sql.execute("ANALYZE chat_threads");
            sql.execute("ANALYZE messages");
        }
        LOG.info("Loaded {} messages in {} threads in {} ms", MESSAGES, THREADS,
                (System.nanoTime() - started) / 1_000_000);
    }

    @AfterAll
    static void dropTheDatabase() {
        if (database != null) {
            database.close();
        }
    }

    @Test
    void aHistoryPageIsABackwardRangeScanOfTheThreadIndex() throws SQLException {
        ThreadId thread = new ThreadId(4_242);
        MessageId before = new MessageId(900_000);

        String sql = lastStatementOf(() -> assertThat(database.module().messages().findInThread(thread,
                new MessageRange(Optional.empty(), Optional.of(before), MessageRange.Direction.NEWEST_FIRST), 50))
                .hasSize(50)
                .allSatisfy(message -> assertThat(message.id().value()).isLessThan(before.value())));
        String plan = explain(sql, List.of(thread.value(), before.value(), 50));

        assertThat(plan)
                .doesNotContain("Seq Scan on messages")
                .doesNotContain("Sort")
                .contains("Index Scan Backward using ix_messages_thread_id_id on messages");
    }

    @Test
    void aCatchUpPageIsARangeScanOfTheThreadIndex() throws SQLException {
        ThreadId thread = new ThreadId(17);
        MessageId after = new MessageId(500_000);

        String sql = lastStatementOf(() -> assertThat(database.module().messages().findInThread(thread,
                new MessageRange(Optional.of(after), Optional.empty(), MessageRange.Direction.OLDEST_FIRST), 50))
                .hasSize(50));
        String plan = explain(sql, List.of(thread.value(), after.value(), 50));

        // Depending on how many rows it expects, PostgreSQL reads the range in index order or as a bitmap of the
        // index and sorts those few rows; either way only the thread's range of the index is read.
        assertThat(plan)
                .doesNotContain("Seq Scan on messages")
                .containsPattern("(Index|Bitmap Index) Scan on ix_messages_thread_id_id|Index Scan using ix_messages_thread_id_id");
    }

    /**
     * The look-ups done with plain JDBC on every handshake and page of a server whose caches are cold: users by ids
     * ({@code = any(?)} of a UUID array), a pair's thread and a thread by id, each from its index among 10,100 users
     * and 10,000 threads.
     */
    @Test
    void usersAndThreadsAreLookedUpByTheirIndexes() throws SQLException {
        UUID[] hubs = {user(3).value(), user(5).value(), user(HUBS + 3).value()};
        String byIds = lastStatementOf(() -> assertThat(database.module().userAccounts()
                .findAllById(List.of(new UserId(hubs[0]), new UserId(hubs[1]), new UserId(hubs[2])))).hasSize(3));
        ChatThread paired = database.module().threads().findActivityOf(user(HUBS + 9)).get(0).thread();
        String byPair = lastStatementOf(() -> assertThat(database.module().threads()
                .findByParticipants(paired.participants())).contains(paired));
        ChatThread other = database.module().threads().findActivityOf(user(HUBS + 11)).get(0).thread();
        String byId = lastStatementOf(() -> assertThat(database.module().threads().findById(other.id()))
                .contains(other));

        assertThat(explain(byIds, List.of((Object) hubs)))
                .doesNotContain("Seq Scan")
                .containsPattern("Index (Only )?Scan using pk_users on users");
        // A pair's second user has one thread here, so PostgreSQL may probe ix_chat_threads_second_user and filter
        // on the first user instead of the unique index: one index probe either way, as for the HQL it replaced.
        assertThat(explain(byPair, List.of(paired.participants().first().value(),
                paired.participants().second().value())))
                .doesNotContain("Seq Scan")
                .containsPattern("Index Scan using (uq_chat_threads_participants|ix_chat_threads_second_user) on chat_threads");
        assertThat(explain(byId, List.of(other.id().value())))
                .doesNotContain("Seq Scan")
                .contains("Index Scan using pk_chat_threads on chat_threads");
    }

    @Test
    void theThreadListOfAUserWithAHundredThreadsIsOneStatementServedFromIndexes() throws SQLException {
        UserId hub = user(7);
        UserId single = user(HUBS + 7);

        statistics.clear();
        List<ThreadActivity> hubThreads = database.module().threads().findActivityOf(hub);
        long statementsForHundred = statistics.getPrepareStatementCount();
        statistics.clear();
        String sql = lastStatementOf(() -> assertThat(database.module().threads().findActivityOf(single)).hasSize(1));
        long statementsForOne = statistics.getPrepareStatementCount();

        assertThat(hubThreads).hasSize(THREADS / HUBS)
                .allSatisfy(activity -> assertThat(activity.lastMessage()).isPresent());
        assertThat(hubThreads.get(0).lastMessage().orElseThrow().id().value())
                .as("the most recently active thread first").isGreaterThan(MESSAGES - THREADS);
        assertThat(statementsForHundred).isEqualTo(1).isEqualTo(statementsForOne);

        String plan = explain(sql, parametersOf(sql, hub.value()));
        assertThat(plan)
                .doesNotContain("Seq Scan on messages")
                .doesNotContain("Seq Scan on chat_threads")
                .contains("ix_messages_thread_id_id")
                .contains("pk_messages")
                .contains("uq_chat_threads_participants")
                .contains("ix_chat_threads_second_user");
    }

    /**
     * Storing a batch locks its threads and reads each one's latest message (ThreadOrder) through primary keys and one
     * backward probe of {@code ix_messages_thread_id_id} per thread, whatever the thread's length: no sequential scan,
     * no sort or aggregate over a thread's messages. Here a batch spans three threads of 100 messages each. The
     * statements are the repository's own JDBC (recorded on the connection), the threads' ids one array parameter.
     */
    @Test
    void storingABatchLocksItsThreadsByPrimaryKeyAndProbesEachThreadsLatestMessageInTheIndex() throws SQLException {
        List<ThreadId> threads = List.of(new ThreadId(17), new ThreadId(4_242), new ThreadId(9_999));
        List<MessageDraft> batch = new ArrayList<>();
        for (ThreadId thread : threads) {
            // Message g is in thread (g - 1) % 10000 + 1; the thread's two people are hub (t - 1) % 100 + 1 and 100 + t.
            UserId hub = user((int) ((thread.value() - 1) % HUBS + 1));
            UserId single = user((int) (HUBS + thread.value()));
            batch.add(new MessageDraft(thread, hub, single, Fixtures.text("new in " + thread), Fixtures.T0));
            batch.add(new MessageDraft(thread, single, hub, Fixtures.text("again in " + thread), Fixtures.T0));
        }

        CONNECTIONS.clear();
        List<AppendedMessage> stored = database.module().messages().appendAll(batch);
        List<String> sent = CONNECTIONS.prepared();

        for (int i = 0; i < threads.size(); i++) {
            long latestBefore = MESSAGES - THREADS + threads.get(i).value();
            assertThat(stored.get(2 * i).position()).isEqualTo(ThreadPosition.after(new MessageId(latestBefore)));
            assertThat(stored.get(2 * i + 1).position())
                    .isEqualTo(ThreadPosition.after(stored.get(2 * i).message().id()));
        }
        Long[] threadIds = threads.stream().map(ThreadId::value).toArray(Long[]::new);
        assertThat(sent).as("the lock, latest ids and new ids sent as one text").contains(ThreadOrder.LOCK_LATEST_AND_IDS)
                .noneMatch(sql -> sql.equals(ThreadOrder.LOCK) || sql.equals(ThreadOrder.LATEST));
        assertThat(ThreadOrder.LOCK_LATEST_AND_IDS.split(";\n"))
                .containsExactly(ThreadOrder.LOCK, ThreadOrder.LATEST, SequenceIds.MESSAGE_IDS_ON_POSTGRESQL);
        String lock = ThreadOrder.LOCK;
        String latest = ThreadOrder.LATEST;
        assertThat(explain(lock, List.<Object>of((Object) threadIds)))
                .doesNotContain("Seq Scan")
                .contains("LockRows")
                .contains("pk_chat_threads");
        assertThat(explain(latest, List.<Object>of((Object) threadIds)))
                .doesNotContain("Seq Scan")
                .doesNotContain("Sort")
                .doesNotContain("Aggregate")
                .contains("pk_chat_threads")
                .containsPattern("Limit\\s.*\\n\\s*->\\s+Index (Only )?Scan Backward using ix_messages_thread_id_id on messages");
    }

    /**
     * Looking up a batch's client_msg_ids (SentKeys, contract §14) is one probe of the index of
     * {@code uq_messages_sender_client_msg_id} per key, joined from the unnested array parameters: no sequential scan
     * of {@code messages}.
     */
    @Test
    void lookingUpABatchsKeysProbesTheUniqueIndexPerKey() throws SQLException {
        ThreadId thread = new ThreadId(4_243);
        UserId hub = user((int) ((thread.value() - 1) % HUBS + 1));
        UserId single = user((int) (HUBS + thread.value()));
        ClientMessageId seen = new ClientMessageId("plan-key");
        database.module().messages().appendNew(List.of(new DraftToStore(
                new MessageDraft(thread, hub, single, Fixtures.text("keyed"), Fixtures.T0), Optional.of(seen))));

        CONNECTIONS.clear();
        List<AppendedMessage> again = database.module().messages().appendNew(List.of(
                new DraftToStore(new MessageDraft(thread, hub, single, Fixtures.text("keyed"), Fixtures.T0),
                        Optional.of(seen)),
                new DraftToStore(new MessageDraft(thread, single, hub, Fixtures.text("fresh"), Fixtures.T0),
                        Optional.of(new ClientMessageId("plan-key-2")))));
        String keys = CONNECTIONS.prepared().stream().filter(sql -> sql.contains("unnest")).findFirst().orElseThrow();

        assertThat(again.get(0).repeat()).isTrue();
        assertThat(again.get(1).repeat()).isFalse();
        assertThat(keys).isEqualTo(SentKeys.STORED);
        assertThat(explain(keys, List.<Object>of(new UUID[] {hub.value(), single.value()},
                new String[] {"plan-key", "plan-key-2"})))
                .doesNotContain("Seq Scan on messages")
                .contains("uq_messages_sender_client_msg_id");
    }

    /** Runs {@code work} and returns the last SQL statement Hibernate sent for it. */
    private static String lastStatementOf(Runnable work) {
        CONNECTIONS.clear();
        work.run();
        List<String> sent = CONNECTIONS.prepared();
        assertThat(sent).as("statements sent").isNotEmpty();
        return sent.get(sent.size() - 1);
    }

    /** The same value for every parameter of {@code sql}. */
    private static List<Object> parametersOf(String sql, Object value) {
        long count = sql.chars().filter(c -> c == '?').count();
        return Collections.nCopies((int) count, value);
    }

    /**
     * PostgreSQL's plan for {@code sql} with these parameter values, as the text of {@code EXPLAIN}; a {@code Long[]},
     * {@code UUID[]} or {@code String[]} is bound as a {@code bigint[]}, {@code uuid[]} or {@code varchar[]} array.
     */
    private static String explain(String sql, List<Object> parameters) throws SQLException {
        assertThat(sql.chars().filter(c -> c == '?').count()).as("parameters of " + sql).isEqualTo(parameters.size());
        StringBuilder plan = new StringBuilder();
        try (Connection connection = database.connect();
             PreparedStatement explain = connection.prepareStatement("EXPLAIN " + sql)) {
            for (int i = 0; i < parameters.size(); i++) {
                if (parameters.get(i) instanceof Long[] array) {
                    explain.setArray(i + 1, connection.createArrayOf("bigint", array));
                } else if (parameters.get(i) instanceof UUID[] array) {
                    explain.setArray(i + 1, connection.createArrayOf("uuid", array));
                } else if (parameters.get(i) instanceof String[] array) {
                    explain.setArray(i + 1, connection.createArrayOf("varchar", array));
                } else {
                    explain.setObject(i + 1, parameters.get(i));
                }
            }
            try (ResultSet rows = explain.executeQuery()) {
                while (rows.next()) {
                    plan.append(rows.getString(1)).append('\n');
                }
            }
        }
        LOG.info("Plan of {}\n{}", sql, plan);
        return plan.toString();
    }

    private static UserId user(int n) {
        return new UserId(UUID.fromString("00000000-0000-0000-0000-" + String.format("%012x", n)));
    }
}
