package org.parley.application.testing;

/** Builds in-memory {@link ChatStorage}: the fakes wired to one another as a real store would be. */
public final class InMemoryChatStorage {

    private InMemoryChatStorage() {
    }

    /** A fresh, empty storage. */
    public static ChatStorage create() {
        InMemoryMessageRepository messages = new InMemoryMessageRepository();
        return new ChatStorage(new InMemoryUserAccounts(), new InMemoryThreadRepository(messages), messages);
    }
}
