package org.parley.adapter.persistence;

import org.junit.jupiter.api.extension.RegisterExtension;
import org.parley.application.port.out.PresenceRepository;
import org.parley.application.testing.ChatStorage;
import org.parley.application.testing.PresenceRepositoryContract;

/**
 * The presence store contract (thread partners, {@code last_seen}: contract §13) on a real database: a fresh H2 file
 * database for this class, or a throwaway PostgreSQL database in the PostgreSQL run. Threads are written through the
 * caching thread repository, as Parley runs it; presence reads the tables directly.
 */
class HibernatePresenceRepositoryContractTest extends PresenceRepositoryContract {

    @RegisterExtension
    static final DatabasePerClass DATABASE = new DatabasePerClass();

    @Override
    protected ChatStorage newStorage() {
        return DATABASE.get().chatStorage();
    }

    @Override
    protected PresenceRepository presenceOf(ChatStorage storage) {
        return DATABASE.get().module().presence();
    }
}
