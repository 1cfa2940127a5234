package org.parley.adapter.persistence;

import java.nio.file.Path;

import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.io.TempDir;
import org.parley.application.testing.ChatStorage;
import org.parley.application.testing.UserAccountsContract;

/**
 * The user store contract against Hibernate on a real database: a fresh H2 file database for this class, or a throwaway
 * PostgreSQL database in the PostgreSQL run ({@link org.parley.adapter.persistence.testing.PostgresForTests}). The tests share it, as the contract allows.
 */
class HibernateUserAccountsContractTest extends UserAccountsContract {

    @TempDir
    static Path dir;
    private static TestDatabase database;

    @BeforeAll
    static void startDatabase() {
        database = TestDatabase.fresh(dir);
    }

    @AfterAll
    static void stopDatabase() {
        if (database != null) {
            database.close();
        }
    }

    @Override
    protected ChatStorage newStorage() {
        return database.chatStorage();
    }
}
