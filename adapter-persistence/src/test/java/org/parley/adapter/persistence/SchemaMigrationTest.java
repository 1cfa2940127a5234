package org.parley.adapter.persistence;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.Locale;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.parley.domain.user.User;

/** The schema on a fresh H2 file database: migrated once, validated on every start, refused when foreign. */
class SchemaMigrationTest {

    @TempDir
    Path dataDir;

    @Test
    void aFreshFileDatabaseIsCreatedMigratedAndValidatedAndKeepsItsDataAcrossRestarts() throws SQLException {
        Path dir = dataDir.resolve("not/yet/there");
        DatabaseSettings settings = DatabaseSettings.embeddedH2(dir);
        User user = Fixtures.fullUser();

        try (PersistenceModule module = PersistenceModule.start(settings)) {
            module.userAccounts().add(Fixtures.withPassword(user));
        }
        assertThat(dir.resolve("parley.mv.db")).isRegularFile();

        try (PersistenceModule restarted = PersistenceModule.start(settings)) {
            assertThat(restarted.userAccounts().findById(user.id())).contains(user);
        }
        assertThat(query(settings, "select count(*) from \"flyway_schema_history\""
                + " where \"version\" = '1' and \"success\"")).isEqualTo("1");
        assertThat(query(settings, "select count(*) from \"flyway_schema_history\" where not \"success\"")).isEqualTo("0");
        assertThat(query(settings, "select count(*) from \"flyway_schema_history\""
                + " where \"version\" = '2' and \"success\"")).isEqualTo("1");
    }

    @Test
    void aSchemaFromANewerParleyIsRefusedWithOneClearLine() throws SQLException {
        DatabaseSettings settings = DatabaseSettings.embeddedH2(dataDir);
        PersistenceModule.start(settings).close();
        execute(settings, "insert into \"flyway_schema_history\" (\"installed_rank\", \"version\", \"description\", \"type\","
                + " \"script\", \"checksum\", \"installed_by\", \"execution_time\", \"success\") values (1000, '999', 'from the future', 'SQL',"
                + " 'V999__from_the_future.sql', 0, 'sa', 1, true)");

        assertThatThrownBy(() -> PersistenceModule.start(settings))
                .isInstanceOf(PersistenceStartupException.class)
                .hasMessageContaining("newer Parley version")
                .hasMessageContaining("migration 999")
                .hasMessageContaining(settings.redactedUrl())
                .hasMessageNotContaining("\n");
    }

    @Test
    void aSchemaChangedByHandFailsValidation() throws SQLException {
        DatabaseSettings settings = DatabaseSettings.embeddedH2(dataDir);
        PersistenceModule.start(settings).close();
        execute(settings, "alter table users drop column phone_number");

        assertThatThrownBy(() -> PersistenceModule.start(settings))
                .isInstanceOf(PersistenceStartupException.class)
                .hasMessageContaining("does not match")
                .hasMessageContaining("phone_number")
                .hasMessageNotContaining("\n");
    }

    @Test
    void theSequencesStepByOne() throws SQLException {
        DatabaseSettings settings = DatabaseSettings.embeddedH2(dataDir);
        PersistenceModule.start(settings).close();

        assertThat(query(settings, "select increment from information_schema.sequences"
                + " where lower(sequence_name) = 'messages_id_seq'"))
                .isEqualTo("1");
        assertThat(query(settings, "select increment from information_schema.sequences"
                + " where lower(sequence_name) = 'chat_threads_id_seq'"))
                .isEqualTo(String.valueOf(ChatThreadEntity.ID_ALLOCATION_SIZE));
    }

    @Test
    void aSequenceThatNoLongerStepsAsHibernateAllocatesIsRefused() throws SQLException {
        DatabaseSettings settings = DatabaseSettings.embeddedH2(dataDir);
        PersistenceModule.start(settings).close();
        execute(settings, "alter sequence chat_threads_id_seq increment by 50");

        assertThatThrownBy(() -> PersistenceModule.start(settings))
                .isInstanceOf(PersistenceStartupException.class)
                .hasMessageContaining("chat_threads_id_seq")
                .hasMessageNotContaining("\n");
    }

    /**
     * Each index on messages is written on every message stored, so it must be one a query reads (docs/storage.md,
     * "Indexes, and why each exists"). H2 builds one for every foreign key on its own; V9 dropped messages' foreign
     * keys, and with them four indexes no query read.
     */
    @Test
    void messagesCarryOnlyTheIndexesAQueryReads() throws SQLException {
        DatabaseSettings settings = DatabaseSettings.embeddedH2(dataDir);
        PersistenceModule.start(settings).close();

        assertThat(query(settings, "select listagg(index_name, ',') within group (order by index_name)"
                + " from information_schema.indexes where table_name = 'MESSAGES' and index_type_name <> 'PRIMARY KEY'"))
                .isEqualTo("IX_MESSAGES_STORAGE_KEY,IX_MESSAGES_THREAD_ID_ID,UQ_MESSAGES_SENDER_CLIENT_MSG_ID_INDEX_1");
        assertThat(query(settings, "select count(*) from information_schema.table_constraints"
                + " where table_name = 'MESSAGES' and constraint_type = 'FOREIGN KEY'")).isEqualTo("0");
    }

    @Test
    void theDataDirectoryHoldsOnlyTheDatabase() throws Exception {
        PersistenceModule.start(DatabaseSettings.embeddedH2(dataDir)).close();

        try (var files = Files.list(dataDir)) {
            assertThat(files.map(path -> path.getFileName().toString().toLowerCase(Locale.ROOT)))
                    .allMatch(name -> name.startsWith("parley."));
        }
    }

    private static String query(DatabaseSettings settings, String sql) throws SQLException {
        try (Connection connection = DriverManager.getConnection(settings.jdbcUrl(), settings.username(),
                settings.password());
             Statement statement = connection.createStatement();
             ResultSet result = statement.executeQuery(sql)) {
            result.next();
            return result.getString(1);
        }
    }

    private static void execute(DatabaseSettings settings, String sql) throws SQLException {
        try (Connection connection = DriverManager.getConnection(settings.jdbcUrl(), settings.username(),
                settings.password());
             Statement statement = connection.createStatement()) {
            statement.execute(sql);
        }
    }
}
