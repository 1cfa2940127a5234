package org.parley.adapter.persistence;

import org.junit.jupiter.api.extension.RegisterExtension;
import org.parley.application.testing.ChatStorage;
import org.parley.application.testing.UserAccountsContract;

/**
 * The user store contract as Parley runs it ({@link CachingUserAccounts} over Hibernate, default caches) on a real
 * database: a fresh H2 file database for this class, or a throwaway PostgreSQL database in the PostgreSQL run
 * ({@link org.parley.adapter.persistence.testing.PostgresForTests}). The tests share it, as the contract allows.
 */
class HibernateUserAccountsContractTest extends UserAccountsContract {

    @RegisterExtension
    static final DatabasePerClass DATABASE = new DatabasePerClass();

    @Override
    protected ChatStorage newStorage() {
        return DATABASE.get().chatStorage();
    }
}
