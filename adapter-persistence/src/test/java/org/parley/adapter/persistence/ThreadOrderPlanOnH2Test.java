package org.parley.adapter.persistence;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.Statement;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Each batch reads its threads' latest message ids ({@link ThreadOrder#LATEST_ON_H2}); on H2 that must be one probe of
 * {@code ix_messages_thread_id_id} per thread, never a read of the thread's rows, or every batch costs more as the
 * conversations grow. H2 2.5.252 says {@code index sorted} in its plan for the ordered form; for {@code max(m.id)} it
 * aggregates over every row of the thread, and left to itself it takes the foreign key's index on {@code thread_id}
 * and sorts the thread's rows ({@code index sorted: 1 of 2 columns}). (PostgreSQL's plan: {@code QueryPlansOnPostgresTest}.)
 */
class ThreadOrderPlanOnH2Test {

    @TempDir
    Path dir;

    @Test
    void theLatestIdOfEachThreadIsAnOrderedIndexProbeOnH2() throws Exception {
        DatabaseSettings settings = DatabaseSettings.embeddedH2(dir);
        try (PersistenceModule module = PersistenceModule.start(settings);
             Connection connection = DriverManager.getConnection(settings.jdbcUrl(), settings.username(),
                     settings.password());
             Statement statement = connection.createStatement();
             ResultSet plan = statement.executeQuery("EXPLAIN " + ThreadOrder.LATEST_ON_H2.replace(":threads", "1, 2"))) {
            assertThat(plan.next()).isTrue();
            assertThat(plan.getString(1))
                    .containsIgnoringCase("IX_MESSAGES_THREAD_ID_ID")
                    .contains("index sorted")
                    .doesNotContain("1 of 2 columns")
                    .doesNotContainIgnoringCase("MAX(");
        }
    }
}
