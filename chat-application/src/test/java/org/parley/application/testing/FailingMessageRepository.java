package org.parley.application.testing;

import java.util.List;
import java.util.Objects;
import java.util.Optional;
import java.util.function.Predicate;

import org.parley.application.port.out.MessageRange;
import org.parley.application.port.out.MessageRepository;
import org.parley.domain.chat.Message;
import org.parley.domain.chat.MessageDraft;
import org.parley.domain.chat.MessageId;
import org.parley.domain.chat.ThreadId;

/**
 * A {@link MessageRepository} that refuses some drafts, like a database refusing a row: a batch holding a refused draft
 * fails whole (nothing of it is stored), other batches go to a real repository.
 */
public final class FailingMessageRepository implements MessageRepository {

    private final MessageRepository delegate;
    private final Predicate<MessageDraft> refused;
    private final RuntimeException failure;

    /** Refuses every draft with {@code failure}, like a database that is down. */
    public FailingMessageRepository(RuntimeException failure) {
        this(new InMemoryMessageRepository(), draft -> true, failure);
    }

    /** Refuses, with {@code failure}, every batch that holds a draft {@code refused} accepts. */
    public FailingMessageRepository(MessageRepository delegate, Predicate<MessageDraft> refused,
                                    RuntimeException failure) {
        this.delegate = Objects.requireNonNull(delegate, "delegate");
        this.refused = Objects.requireNonNull(refused, "refused");
        this.failure = Objects.requireNonNull(failure, "failure");
    }

    @Override
    public List<Message> appendAll(List<MessageDraft> drafts) {
        if (drafts.stream().anyMatch(refused)) {
            throw failure;
        }
        return delegate.appendAll(drafts);
    }

    @Override
    public Optional<Message> findById(MessageId id) {
        return delegate.findById(id);
    }

    @Override
    public List<Message> findInThread(ThreadId thread, MessageRange range, int limit) {
        return delegate.findInThread(thread, range, limit);
    }

    @Override
    public List<Message> findFilesInThread(ThreadId thread, MessageRange range, int limit) {
        return delegate.findFilesInThread(thread, range, limit);
    }
}
