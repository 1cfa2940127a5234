package org.parley.adapter.persistence;

import org.junit.jupiter.api.extension.RegisterExtension;
import org.parley.application.port.out.ReadMarkerRepository;
import org.parley.application.testing.ChatStorage;
import org.parley.application.testing.ReadMarkerRepositoryContract;

/**
 * The read marker contract (contract §11) on a real database: a fresh H2 file database for this class, or a throwaway
 * PostgreSQL database in the PostgreSQL run. Its concurrency tests (the greatest mark wins; unread counts under
 * concurrent sends and marks) run on each database's own locking.
 */
class HibernateReadMarkerRepositoryContractTest extends ReadMarkerRepositoryContract {

    @RegisterExtension
    static final DatabasePerClass DATABASE = new DatabasePerClass();

    @Override
    protected ChatStorage newStorage() {
        return DATABASE.get().chatStorage();
    }

    @Override
    protected ReadMarkerRepository markersOf(ChatStorage storage) {
        return DATABASE.get().module().readMarkers();
    }
}
