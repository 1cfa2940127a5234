package org.parley.adapter.persistence;

import org.junit.jupiter.api.extension.RegisterExtension;
import org.parley.application.testing.ChatStorage;
import org.parley.application.testing.ThreadRepositoryContract;

/**
 * The thread store contract against Hibernate alone (no cache, as {@link CacheSettings#none()} starts it) on a real
 * database: a fresh H2 file database for this class, or a throwaway PostgreSQL database in the PostgreSQL run
 * ({@link org.parley.adapter.persistence.testing.PostgresForTests}). The tests share it, as the contract allows.
 */
class HibernateThreadRepositoryUncachedContractTest extends ThreadRepositoryContract {

    @RegisterExtension
    static final DatabasePerClass DATABASE = new DatabasePerClass(CacheSettings.none());

    @Override
    protected ChatStorage newStorage() {
        return DATABASE.get().chatStorage();
    }
}
