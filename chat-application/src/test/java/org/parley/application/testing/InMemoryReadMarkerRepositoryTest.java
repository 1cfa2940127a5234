package org.parley.application.testing;

import org.parley.application.port.out.ReadMarkerRepository;

/** The {@link ReadMarkerRepositoryContract} against the in-memory fake, so the fake the service tests use is faithful. */
class InMemoryReadMarkerRepositoryTest extends ReadMarkerRepositoryContract {

    @Override
    protected ChatStorage newStorage() {
        return InMemoryChatStorage.create();
    }

    @Override
    protected ReadMarkerRepository markersOf(ChatStorage storage) {
        return new InMemoryReadMarkerRepository(storage.threads(), storage.messages());
    }
}
