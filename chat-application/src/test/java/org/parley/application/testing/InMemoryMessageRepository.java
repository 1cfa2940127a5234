package org.parley.application.testing;

import java.time.Instant;
import java.util.ArrayList;
import java.util.Collection;
import java.util.Comparator;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.ConcurrentSkipListMap;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import java.util.stream.Collectors;
import java.util.stream.Stream;

import org.parley.application.port.out.AppendedMessage;
import org.parley.application.port.out.DraftToStore;
import org.parley.application.port.out.MessageRange;
import org.parley.application.port.out.MessageRepository;
import org.parley.application.port.out.ThreadPosition;
import org.parley.application.port.out.WebhookEvent;
import org.parley.domain.chat.Message;
import org.parley.domain.chat.MessageContent;
import org.parley.domain.chat.MessageDraft;
import org.parley.domain.chat.MessageId;
import org.parley.domain.chat.ThreadId;
import org.parley.domain.delivery.ClientMessageId;
import org.parley.domain.user.UserId;

/**
 * {@link MessageRepository} in memory, for tests. Thread-safe; ids come from a counter, so they grow, and batches are
 * stored one at a time, so ids follow the order in which they become visible, and each thread's latest message is known.
 * A sender's {@code client_msg_id} is remembered for ever (contract §14).
 */
public final class InMemoryMessageRepository implements MessageRepository {

    private final AtomicLong lastId = new AtomicLong();
    private final AtomicInteger queriesForReferencedKeys = new AtomicInteger();
    private final ConcurrentSkipListMap<Long, Message> byId = new ConcurrentSkipListMap<>();
    /** Each thread's latest message; guarded by {@code byId}'s monitor, as every write is. */
    private final Map<ThreadId, MessageId> latestOfThread = new HashMap<>();
    private volatile InMemoryWebhookOutbox outbox;
    /** The message each sender stored with each {@code client_msg_id} (contract §14); guarded like the above. */
    private final Map<SentKey, Message> sentWithKey = new HashMap<>();

    private record SentKey(UserId sender, ClientMessageId clientMessageId) {
    }

    @Override
    public List<AppendedMessage> appendNew(List<DraftToStore> drafts) {
        List<DraftToStore> batch = List.copyOf(drafts);
        if (batch.isEmpty()) {
            throw new IllegalArgumentException("Nothing to append");
        }
        synchronized (byId) {
            List<AppendedMessage> stored = new ArrayList<>(batch.size());
            Map<SentKey, Message> keysOfBatch = new HashMap<>();
            for (DraftToStore toStore : batch) {
                MessageDraft draft = toStore.draft();
                Optional<SentKey> key = toStore.clientMessageId().map(id -> new SentKey(draft.sender(), id));
                Optional<Message> original = key.map(k -> keysOfBatch.getOrDefault(k, sentWithKey.get(k)));
                if (original.isPresent()) {
                    stored.add(AppendedMessage.repeatOf(original.get()));
                    continue;
                }
                Message message = draft.storedAs(new MessageId(lastId.incrementAndGet()));
                key.ifPresent(k -> keysOfBatch.put(k, message));
                MessageId previous = latestOfThread.put(message.threadId(), message.id());
                stored.add(new AppendedMessage(message,
                        previous == null ? ThreadPosition.first() : ThreadPosition.after(previous)));
            }
            stored.stream().filter(appended -> !appended.repeat())
                    .forEach(appended -> byId.put(appended.message().id().value(), appended.message()));
            sentWithKey.putAll(keysOfBatch);
            return List.copyOf(stored);
        }
    }

    /**
     * Stores as {@link #appendNew}, and records the {@code message.new} event of each message stored now (none for a
     * repeat) in the outbox given to {@link #recordingEventsIn} (the same lock held, as a real store's one transaction
     * would).
     *
     * @throws UnsupportedOperationException when no outbox was given
     */
    @Override
    public List<AppendedMessage> appendNewRecordingEvents(List<DraftToStore> drafts) {
        InMemoryWebhookOutbox outbox = requireOutbox();
        synchronized (byId) {
            List<AppendedMessage> stored = appendNew(drafts);
            stored.stream().filter(appended -> !appended.repeat())
                    .forEach(appended -> outbox.record(WebhookEvent.messageNew(appended.message())));
            return stored;
        }
    }

    /** Makes the {@code …RecordingEvent(s)} methods record events in {@code events}; returns this repository. */
    public InMemoryMessageRepository recordingEventsIn(InMemoryWebhookOutbox events) {
        this.outbox = Objects.requireNonNull(events, "events");
        return this;
    }

    @Override
    public Optional<Message> findById(MessageId id) {
        return Optional.ofNullable(byId.get(id.value()));
    }

    @Override
    public List<Message> findBetween(long afterId, long upToId, int limit) {
        if (MessageRepository.noIdBetween(afterId, upToId, limit)) {
            return List.of();
        }
        return byId.subMap(afterId, false, upToId, true).values().stream().limit(limit).toList();
    }

    @Override
    public long highestId() {
        return byId.isEmpty() ? 0 : byId.lastKey();
    }

    @Override
    public List<Message> findInThread(ThreadId thread, MessageRange range, int limit) {
        Objects.requireNonNull(thread, "thread");
        Objects.requireNonNull(range, "range");
        if (limit < 0) {
            throw new IllegalArgumentException("limit is negative: " + limit);
        }
        Stream<Message> inRange = byId.values().stream()
                .filter(message -> message.threadId().equals(thread))
                .filter(message -> range.after().map(after -> message.id().compareTo(after) > 0).orElse(true))
                .filter(message -> range.before().map(before -> message.id().compareTo(before) < 0).orElse(true));
        Comparator<Message> byIdOrder = Comparator.comparing(Message::id);
        return inRange
                .sorted(range.direction() == MessageRange.Direction.NEWEST_FIRST ? byIdOrder.reversed() : byIdOrder)
                .limit(limit)
                .toList();
    }

    /** How many messages have been stored, in every thread. */
    public int count() {
        return byId.size();
    }

    @Override
    public List<Message> findFilesInThread(ThreadId thread, MessageRange range, int limit) {
        return findInThread(thread, range, Integer.MAX_VALUE).stream()
                .filter(message -> message.content() instanceof MessageContent.File)
                .limit(limit)
                .toList();
    }

    @Override
    public boolean saveEdit(MessageId message, MessageContent.Text text, Instant at) {
        synchronized (byId) {
            Message found = byId.get(message.value());
            if (found == null || found.deleted()) {
                return false;
            }
            byId.put(message.value(), found.editedTo(text, at));
            return true;
        }
    }

    @Override
    public boolean saveDeletion(MessageId message, Instant at) {
        synchronized (byId) {
            Message found = byId.get(message.value());
            if (found == null || found.deleted()) {
                return false;
            }
            byId.put(message.value(), found.deletedAt(at));
            return true;
        }
    }

    /**
     * As {@link #saveEdit}, and records {@code event} in the outbox given to {@link #recordingEventsIn} when the edit
     * is stored (the same lock held, as a real store's one transaction would).
     */
    @Override
    public boolean saveEditRecordingEvent(MessageId message, MessageContent.Text text, Instant at,
                                          WebhookEvent event) {
        InMemoryWebhookOutbox outbox = requireOutbox();
        event.requireOf(WebhookEvent.Kind.MESSAGE_EDITED, message);
        synchronized (byId) {
            boolean stored = saveEdit(message, text, at);
            if (stored) {
                outbox.record(event);
            }
            return stored;
        }
    }

    /**
     * As {@link #saveDeletion}, and records {@code event} in the outbox given to {@link #recordingEventsIn} when the
     * message is deleted now (the same lock held).
     */
    @Override
    public boolean saveDeletionRecordingEvent(MessageId message, Instant at, WebhookEvent event) {
        InMemoryWebhookOutbox outbox = requireOutbox();
        event.requireOf(WebhookEvent.Kind.MESSAGE_DELETED, message);
        synchronized (byId) {
            boolean deleted = saveDeletion(message, at);
            if (deleted) {
                outbox.record(event);
            }
            return deleted;
        }
    }

    private InMemoryWebhookOutbox requireOutbox() {
        InMemoryWebhookOutbox outbox = this.outbox;
        if (outbox == null) {
            throw new UnsupportedOperationException("No outbox: call recordingEventsIn first");
        }
        return outbox;
    }

    @Override
    public Set<String> referencedStorageKeys(Collection<String> storageKeys) {
        if (storageKeys.size() > MAX_KEYS_PER_QUERY) {
            throw new IllegalArgumentException("At most " + MAX_KEYS_PER_QUERY + " keys, got " + storageKeys.size());
        }
        queriesForReferencedKeys.incrementAndGet();
        Set<String> wanted = Set.copyOf(storageKeys);
        return byId.values().stream()
                .map(Message::content)
                .filter(MessageContent.File.class::isInstance)
                .map(content -> ((MessageContent.File) content).attachment().storageKey())
                .filter(wanted::contains)
                .collect(Collectors.toUnmodifiableSet());
    }

    /** How many times {@link #referencedStorageKeys} was asked. */
    public int queriesForReferencedKeys() {
        return queriesForReferencedKeys.get();
    }
}
