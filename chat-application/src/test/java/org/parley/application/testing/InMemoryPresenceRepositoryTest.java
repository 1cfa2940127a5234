package org.parley.application.testing;

import org.parley.application.port.out.PresenceRepository;

/** The fake keeps the contract the Hibernate repository keeps. */
class InMemoryPresenceRepositoryTest extends PresenceRepositoryContract {

    @Override
    protected ChatStorage newStorage() {
        return InMemoryChatStorage.create();
    }

    @Override
    protected PresenceRepository presenceOf(ChatStorage storage) {
        return new InMemoryPresenceRepository(storage.threads());
    }
}
