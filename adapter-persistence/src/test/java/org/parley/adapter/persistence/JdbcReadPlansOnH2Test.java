package org.parley.adapter.persistence;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.util.UUID;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The look-ups read with plain JDBC find their rows through an index on H2 (PostgreSQL's plans:
 * {@code QueryPlansOnPostgresTest}): users by ids as a UUID array ({@link UserRows#BY_IDS}: {@code = any(?)}, which H2
 * 2.5.252 turns into a probe of the primary key per element, as for an {@code IN} list), a user by id, and a thread by
 * pair and by id ({@link ThreadRows}). A plan without the index would read every row of the table per look-up.
 */
class JdbcReadPlansOnH2Test {

    @TempDir
    Path dir;

    @Test
    void usersAndThreadsAreFoundThroughTheirIndexesOnH2() throws Exception {
        DatabaseSettings settings = DatabaseSettings.embeddedH2(dir);
        try (PersistenceModule module = PersistenceModule.start(settings);
             Connection connection = DriverManager.getConnection(settings.jdbcUrl(), settings.username(),
                     settings.password())) {
            Object[] ids = {UUID.randomUUID(), UUID.randomUUID()};
            assertThat(plan(connection, UserRows.BY_IDS, connection.createArrayOf("uuid", ids)))
                    .containsPattern("PRIMARY_KEY_\\w*: ID IN\\(")
                    .doesNotContainIgnoringCase("tableScan");
            assertThat(plan(connection, UserRows.BY_ID, UUID.randomUUID()))
                    .containsPattern("PRIMARY_KEY_\\w*: ID = ")
                    .doesNotContainIgnoringCase("tableScan");
            assertThat(plan(connection, ThreadRows.BY_PARTICIPANTS, UUID.randomUUID(), UUID.randomUUID()))
                    .containsPattern("(?i)UQ_CHAT_THREADS_PARTICIPANTS\\w*: FIRST_USER_ID = \\?1\\s+AND SECOND_USER_ID = \\?2")
                    .doesNotContainIgnoringCase("tableScan");
            assertThat(plan(connection, ThreadRows.BY_ID, 1L))
                    .containsPattern("PRIMARY_KEY_\\w*: ID = ")
                    .doesNotContainIgnoringCase("tableScan");
        }
    }

    private static String plan(Connection connection, String sql, Object... parameters) throws Exception {
        try (PreparedStatement explain = connection.prepareStatement("EXPLAIN " + sql)) {
            for (int i = 0; i < parameters.length; i++) {
                if (parameters[i] instanceof java.sql.Array array) {
                    explain.setArray(i + 1, array);
                } else {
                    explain.setObject(i + 1, parameters[i]);
                }
            }
            try (ResultSet plan = explain.executeQuery()) {
                assertThat(plan.next()).isTrue();
                return plan.getString(1);
            }
        }
    }
}
