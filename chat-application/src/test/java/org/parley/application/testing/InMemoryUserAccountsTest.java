package org.parley.application.testing;

/** The {@link UserAccountsContract} against the in-memory fake, so the fake used by the service tests is faithful. */
class InMemoryUserAccountsTest extends UserAccountsContract {

    @Override
    protected ChatStorage newStorage() {
        return InMemoryChatStorage.create();
    }
}
