package org.parley.application.testing;

/** The {@link ThreadRepositoryContract} against the in-memory fake, so the fake used by the service tests is faithful. */
class InMemoryThreadRepositoryTest extends ThreadRepositoryContract {

    @Override
    protected ChatStorage newStorage() {
        return InMemoryChatStorage.create();
    }
}
