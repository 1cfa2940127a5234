package org.parley.application.testing;

import java.util.List;
import java.util.Objects;
import java.util.function.Predicate;

import org.parley.application.port.out.AppendedMessage;
import org.parley.application.port.out.DraftToStore;
import org.parley.application.port.out.MessageRepository;
import org.parley.domain.chat.MessageDraft;

/**
 * A {@link MessageRepository} that refuses some drafts, like a database refusing a row: a batch holding a refused draft
 * fails whole (nothing of it is stored), other batches go to a real repository.
 */
public final class FailingMessageRepository extends DelegatingMessageRepository {

    private final Predicate<MessageDraft> refused;
    private final RuntimeException failure;

    /** Refuses every draft with {@code failure}, like a database that is down. */
    public FailingMessageRepository(RuntimeException failure) {
        this(new InMemoryMessageRepository(), draft -> true, failure);
    }

    /** Refuses, with {@code failure}, every batch that holds a draft {@code refused} accepts. */
    public FailingMessageRepository(MessageRepository delegate, Predicate<MessageDraft> refused,
                                    RuntimeException failure) {
        super(delegate);
        this.refused = Objects.requireNonNull(refused, "refused");
        this.failure = Objects.requireNonNull(failure, "failure");
    }

    @Override
    public List<AppendedMessage> appendNew(List<DraftToStore> drafts) {
        if (drafts.stream().map(DraftToStore::draft).anyMatch(refused)) {
            throw failure;
        }
        return super.appendNew(drafts);
    }
}
