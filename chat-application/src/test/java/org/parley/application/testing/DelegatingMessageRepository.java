package org.parley.application.testing;

import java.time.Instant;
import java.util.Collection;
import java.util.List;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;

import org.parley.application.port.out.AppendedMessage;
import org.parley.application.port.out.DraftToStore;
import org.parley.application.port.out.MessageRange;
import org.parley.application.port.out.MessageRepository;
import org.parley.application.port.out.WebhookEvent;
import org.parley.domain.chat.Message;
import org.parley.domain.chat.MessageContent;
import org.parley.domain.chat.MessageId;
import org.parley.domain.chat.ThreadId;

/** A {@link MessageRepository} that passes every call on: extend it to change or observe one method in a test. */
public class DelegatingMessageRepository implements MessageRepository {

    private final MessageRepository delegate;

    public DelegatingMessageRepository(MessageRepository delegate) {
        this.delegate = Objects.requireNonNull(delegate, "delegate");
    }

    @Override
    public List<AppendedMessage> appendNew(List<DraftToStore> drafts) {
        return delegate.appendNew(drafts);
    }

    @Override
    public List<AppendedMessage> appendNewRecordingEvents(List<DraftToStore> drafts) {
        return delegate.appendNewRecordingEvents(drafts);
    }

    @Override
    public Optional<Message> findById(MessageId id) {
        return delegate.findById(id);
    }

    @Override
    public long highestId() {
        return delegate.highestId();
    }

    @Override
    public List<Message> findBetween(long afterId, long upToId, int limit) {
        return delegate.findBetween(afterId, upToId, limit);
    }

    @Override
    public List<Message> findInThread(ThreadId thread, MessageRange range, int limit) {
        return delegate.findInThread(thread, range, limit);
    }

    @Override
    public List<Message> findFilesInThread(ThreadId thread, MessageRange range, int limit) {
        return delegate.findFilesInThread(thread, range, limit);
    }

    @Override
    public boolean saveEdit(MessageId message, MessageContent.Text text, Instant at) {
        return delegate.saveEdit(message, text, at);
    }

    @Override
    public boolean saveEditRecordingEvent(MessageId message, MessageContent.Text text, Instant at,
                                          WebhookEvent event) {
        return delegate.saveEditRecordingEvent(message, text, at, event);
    }

    @Override
    public boolean saveDeletionRecordingEvent(MessageId message, Instant at, WebhookEvent event) {
        return delegate.saveDeletionRecordingEvent(message, at, event);
    }

    @Override
    public boolean saveDeletion(MessageId message, Instant at) {
        return delegate.saveDeletion(message, at);
    }

    @Override
    public Set<String> referencedStorageKeys(Collection<String> storageKeys) {
        return delegate.referencedStorageKeys(storageKeys);
    }
}
