package org.parley.application.testing;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;
import org.parley.domain.chat.ChatThread;
import org.parley.domain.chat.MessageContent;
import org.parley.domain.chat.Participants;
import org.parley.domain.user.UserId;

/** The {@link MessageRepositoryContract} against the in-memory fake, so the fake used by the service tests is faithful. */
class InMemoryMessageRepositoryTest extends MessageRepositoryContract {

    @Override
    protected ChatStorage newStorage() {
        return InMemoryChatStorage.create();
    }

    @Test
    void countsTheMessagesStoredInEveryThread() {
        InMemoryMessageRepository messages = new InMemoryMessageRepository();
        InMemoryThreadRepository threads = new InMemoryThreadRepository(messages);
        UserId alice = UserId.random();
        ChatThread withBob = threads.getOrCreate(Participants.of(alice, UserId.random()), ChatFixtures.T0);
        ChatThread withCarol = threads.getOrCreate(Participants.of(alice, UserId.random()), ChatFixtures.T0);
        assertThat(messages.count()).isZero();

        messages.append(withBob.compose(alice, new MessageContent.Text("one"), ChatFixtures.T0));
        messages.append(withBob.compose(alice, new MessageContent.Text("two"), ChatFixtures.T0));
        messages.append(withCarol.compose(alice, new MessageContent.Text("three"), ChatFixtures.T0));

        assertThat(messages.count()).isEqualTo(3);
    }
}
