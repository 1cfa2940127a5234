package org.parley.application.testing;

/** The {@link MessageRepositoryContract} against the in-memory fake, so the fake used by the service tests is faithful. */
class InMemoryMessageRepositoryTest extends MessageRepositoryContract {

    @Override
    protected ChatStorage newStorage() {
        return InMemoryChatStorage.create();
    }
}
