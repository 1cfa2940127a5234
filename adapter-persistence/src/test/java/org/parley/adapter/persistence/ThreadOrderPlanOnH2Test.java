package org.parley.adapter.persistence;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.PreparedStatement;
import java.util.UUID;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.parley.domain.chat.Participants;
import org.parley.domain.user.UserId;

/**
 * Each batch reads its threads' latest message ids ({@link ThreadOrder#LATEST_ON_H2}, the threads' ids as one array
 * parameter); on H2 that must be one probe of
 * {@code ix_messages_thread_id_id} per thread, never a read of the thread's rows, or every batch costs more as the
 * conversations grow. H2 2.5.252 says {@code index sorted} in its plan for the ordered form; for {@code max(m.id)} it
 * aggregates over every row of the thread, and left to itself it takes the foreign key's index on {@code thread_id}
 * and sorts the thread's rows ({@code index sorted: 1 of 2 columns}). (PostgreSQL's plan: {@code QueryPlansOnPostgresTest}.)
 */
class ThreadOrderPlanOnH2Test {

    /** The lock as a select, as H2 ran it before {@link ThreadOrder#LOCK_ON_H2} (H2 has no {@code FOR NO KEY UPDATE}). */
    private static final String SELECT_FOR_UPDATE =
            "select id from chat_threads where id = any(?) order by id for update";

    @TempDir
    Path dir;

    @Test
    void theLatestIdOfEachThreadIsAnOrderedIndexProbeOnH2() throws Exception {
        DatabaseSettings settings = DatabaseSettings.embeddedH2(dir);
        try (PersistenceModule module = PersistenceModule.start(settings);
             Connection connection = DriverManager.getConnection(settings.jdbcUrl(), settings.username(),
                     settings.password());
             PreparedStatement explain = connection.prepareStatement("EXPLAIN " + ThreadOrder.LATEST_ON_H2)) {
            explain.setArray(1, connection.createArrayOf("bigint", new Object[] {1L, 2L}));
            try (ResultSet plan = explain.executeQuery()) {
                assertThat(plan.next()).isTrue();
                assertThat(plan.getString(1))
                        .containsIgnoringCase("IX_MESSAGES_THREAD_ID_ID")
                        .contains("index sorted")
                        .doesNotContain("1 of 2 columns")
                        .doesNotContainIgnoringCase("MAX(")
                        .as("the threads found by their primary key from the array parameter")
                        .containsPattern("PRIMARY_KEY_\\w*: ID IN\\(");
            }
        }
    }

    /**
     * The select form of the lock ({@link #SELECT_FOR_UPDATE}, H2's lock before {@link ThreadOrder#LOCK_ON_H2}) finds
     * the threads of its array parameter by primary key, in the key's order (so the locks are taken in ascending id
     * order without a sort).
     */
    @Test
    void theLockFindsTheThreadsByPrimaryKeyInIdOrderOnH2() throws Exception {
        DatabaseSettings settings = DatabaseSettings.embeddedH2(dir);
        try (PersistenceModule module = PersistenceModule.start(settings);
             Connection connection = DriverManager.getConnection(settings.jdbcUrl(), settings.username(),
                     settings.password());
             PreparedStatement explain = connection.prepareStatement("EXPLAIN " + SELECT_FOR_UPDATE)) {
            explain.setArray(1, connection.createArrayOf("bigint", new Object[] {1L, 2L}));
            try (ResultSet plan = explain.executeQuery()) {
                assertThat(plan.next()).isTrue();
                assertThat(plan.getString(1))
                        .containsPattern("PRIMARY_KEY_\\w*: ID IN\\(")
                        .contains("index sorted")
                        .containsIgnoringCase("FOR UPDATE");
            }
        }
    }

    /**
     * On H2 the lock is an update that changes nothing ({@link ThreadOrder#LOCK_ON_H2}): the same primary-key probes in
     * ascending id order, and, unlike {@code SELECT ... FOR UPDATE}, kept in the session's statement cache, so a batch
     * does not parse and plan it again (it did: 7 % of the writer's CPU samples; see docs/storage.md, "What a commit
     * costs on H2"). The form is pinned to H2's dialect, and H2's cache is checked to hold it and not the select.
     */
    @Test
    void theLockOnH2IsAnUpdateThatH2KeepsInItsStatementCache() throws Exception {
        assertThat(ThreadOrder.forDialect(new org.hibernate.dialect.H2Dialect()).lockStatement())
                .isEqualTo(ThreadOrder.LOCK_ON_H2);
        assertThat(ThreadOrder.forDialect(new org.hibernate.dialect.PostgreSQLDialect()).lockStatement())
                .isEqualTo(ThreadOrder.LOCK);
        DatabaseSettings settings = DatabaseSettings.embeddedH2(dir);
        try (PersistenceModule module = PersistenceModule.start(settings);
             Connection connection = DriverManager.getConnection(settings.jdbcUrl(), settings.username(),
                     settings.password())) {
            try (PreparedStatement explain = connection.prepareStatement("EXPLAIN " + ThreadOrder.LOCK_ON_H2)) {
                explain.setArray(1, connection.createArrayOf("bigint", new Object[] {1L, 2L}));
                try (ResultSet plan = explain.executeQuery()) {
                    assertThat(plan.next()).isTrue();
                    assertThat(plan.getString(1))
                            .startsWithIgnoringCase("UPDATE")
                            .containsPattern("PRIMARY_KEY_\\w*: ID IN\\(");
                }
            }
            assertThat(preparedTwiceIsOneCommand(connection, ThreadOrder.LOCK_ON_H2)).isTrue();
            assertThat(preparedTwiceIsOneCommand(connection, SELECT_FOR_UPDATE)).isFalse();
        }
    }

    /**
     * {@link ThreadOrder#LOCK_ON_H2} locks as {@code FOR UPDATE} does: a second transaction's lock on the same thread
     * waits until the first commits (it fails after H2's lock timeout, set short here, while the first holds it).
     */
    @Test
    void theLockOnH2MakesASecondTransactionWait() throws Exception {
        DatabaseSettings settings = DatabaseSettings.embeddedH2(dir);
        try (PersistenceModule module = PersistenceModule.start(settings)) {
            UserId first = newUser(module);
            long thread = module.threads().getOrCreate(Participants.of(first, newUser(module)), Fixtures.at(0))
                    .id().value();
            try (Connection holder = DriverManager.getConnection(settings.jdbcUrl(), "sa", "");
                 Connection waiter = DriverManager.getConnection(settings.jdbcUrl() + ";LOCK_TIMEOUT=300", "sa", "")) {
                holder.setAutoCommit(false);
                waiter.setAutoCommit(false);
                assertThat(lock(holder, thread)).isEqualTo(1);
                assertThatThrownBy(() -> lock(waiter, thread))
                        .isInstanceOf(java.sql.SQLException.class)
                        .hasMessageContaining("Timeout");
                waiter.rollback();
                holder.commit();
                assertThat(lock(waiter, thread)).isEqualTo(1);
                waiter.commit();
            }
        }
    }

    private static int lock(Connection connection, long thread) throws java.sql.SQLException {
        try (PreparedStatement lock = connection.prepareStatement(ThreadOrder.LOCK_ON_H2)) {
            lock.setArray(1, connection.createArrayOf("bigint", new Object[] {thread}));
            return lock.executeUpdate();
        }
    }

    private static UserId newUser(PersistenceModule module) {
        var user = Fixtures.minimalUser();
        module.userAccounts().add(Fixtures.backendManaged(user));
        return user.id();
    }

    /** Whether H2 hands out the same parsed command for {@code sql} twice in one session (its statement cache). */
    private static boolean preparedTwiceIsOneCommand(Connection connection, String sql) throws Exception {
        org.h2.engine.Session session = connection.unwrap(org.h2.jdbc.JdbcConnection.class).getSession();
        Object first = ((org.h2.engine.SessionLocal) session).prepareLocal(sql);
        ((org.h2.command.CommandInterface) first).close();
        Object second = ((org.h2.engine.SessionLocal) session).prepareLocal(sql);
        ((org.h2.command.CommandInterface) second).close();
        return first == second;
    }

    /**
     * The same for the look-up of a batch's client_msg_ids ({@link SentKeys#STORED_ON_H2}): the unnested array
     * parameters are joined to the index of {@code uq_messages_sender_client_msg_id}, one probe per key, never a scan
     * of {@code messages}.
     */
    @Test
    void theLookUpOfKeysProbesTheUniqueIndexOnH2() throws Exception {
        DatabaseSettings settings = DatabaseSettings.embeddedH2(dir);
        try (PersistenceModule module = PersistenceModule.start(settings);
             Connection connection = DriverManager.getConnection(settings.jdbcUrl(), settings.username(),
                     settings.password());
             PreparedStatement explain = connection.prepareStatement("EXPLAIN " + SentKeys.STORED_ON_H2)) {
            explain.setArray(1, connection.createArrayOf("uuid", new Object[] {UUID.randomUUID(), UUID.randomUUID()}));
            explain.setArray(2, connection.createArrayOf("varchar", new Object[] {"a", "b"}));
            try (ResultSet plan = explain.executeQuery()) {
                assertThat(plan.next()).isTrue();
                assertThat(plan.getString(1))
                        .containsPattern("(?i)UNNEST\\(.*\\n.*\\n.*INNER JOIN")
                        .containsPattern("(?i)UQ_MESSAGES_SENDER_CLIENT_MSG_ID\\w*: SENDER_ID = K.SENDER_ID")
                        .doesNotContainIgnoringCase("tableScan");
            }
        }
    }
}
