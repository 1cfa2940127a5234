package org.parley.application.testing;

import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Objects;
import java.util.Optional;
import java.util.concurrent.ConcurrentSkipListMap;
import java.util.concurrent.atomic.AtomicLong;
import java.util.stream.Stream;

import org.parley.application.port.out.MessageRange;
import org.parley.application.port.out.MessageRepository;
import org.parley.domain.chat.Message;
import org.parley.domain.chat.MessageDraft;
import org.parley.domain.chat.MessageId;
import org.parley.domain.chat.ThreadId;

/** {@link MessageRepository} in memory, for tests. Thread-safe; ids come from a counter, so they grow. */
public final class InMemoryMessageRepository implements MessageRepository {

    private final AtomicLong lastId = new AtomicLong();
    private final ConcurrentSkipListMap<Long, Message> byId = new ConcurrentSkipListMap<>();

    @Override
    public List<Message> appendAll(List<MessageDraft> drafts) {
        List<MessageDraft> batch = List.copyOf(drafts);
        if (batch.isEmpty()) {
            throw new IllegalArgumentException("Nothing to append");
        }
        synchronized (byId) {
            List<Message> stored = new ArrayList<>(batch.size());
            for (MessageDraft draft : batch) {
                stored.add(draft.storedAs(new MessageId(lastId.incrementAndGet())));
            }
            stored.forEach(message -> byId.put(message.id().value(), message));
            return List.copyOf(stored);
        }
    }

    @Override
    public Optional<Message> findById(MessageId id) {
        return Optional.ofNullable(byId.get(id.value()));
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
                .filter(message -> message.type() == org.parley.domain.chat.MessageType.FILE)
                .limit(limit)
                .toList();
    }
}
