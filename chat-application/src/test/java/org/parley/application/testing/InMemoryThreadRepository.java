package org.parley.application.testing;

import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;

import org.parley.application.port.out.MessageRange;
import org.parley.application.port.out.MessageRepository;
import org.parley.application.port.out.ThreadActivity;
import org.parley.application.port.out.ThreadRepository;
import org.parley.domain.chat.ChatThread;
import org.parley.domain.chat.Message;
import org.parley.domain.chat.Participants;
import org.parley.domain.chat.ThreadId;
import org.parley.domain.user.UserId;

/**
 * {@link ThreadRepository} in memory, for tests. Thread-safe; {@link #getOrCreate} creates at most one thread per
 * pair however many callers race. Reads the last messages for {@link #findActivityOf} from the message store it is
 * given.
 */
public final class InMemoryThreadRepository implements ThreadRepository {

    private final MessageRepository messages;
    private final Map<Participants, ChatThread> byParticipants = new HashMap<>();
    private final Map<ThreadId, ChatThread> byId = new HashMap<>();
    private long lastId;

    public InMemoryThreadRepository(MessageRepository messages) {
        this.messages = Objects.requireNonNull(messages, "messages");
    }

    @Override
    public synchronized ChatThread getOrCreate(Participants participants, Instant now) {
        Objects.requireNonNull(participants, "participants");
        Objects.requireNonNull(now, "now");
        ChatThread existing = byParticipants.get(participants);
        if (existing != null) {
            return existing;
        }
        ChatThread created = new ChatThread(new ThreadId(++lastId), participants, now);
        byParticipants.put(participants, created);
        byId.put(created.id(), created);
        return created;
    }

    @Override
    public synchronized Optional<ChatThread> findByParticipants(Participants participants) {
        return Optional.ofNullable(byParticipants.get(participants));
    }

    @Override
    public synchronized Optional<ChatThread> findById(ThreadId id) {
        return Optional.ofNullable(byId.get(id));
    }

    /** Most recent last message first (by message id, which grows with time); threads without messages last, newest first. */
    @Override
    public List<ThreadActivity> findActivityOf(UserId user) {
        List<ChatThread> mine;
        synchronized (this) {
            mine = byId.values().stream().filter(thread -> thread.includes(user)).toList();
        }
        List<ThreadActivity> activity = new ArrayList<>(mine.size());
        for (ChatThread thread : mine) {
            List<Message> last = messages.findInThread(thread.id(), MessageRange.newest(), 1);
            activity.add(new ThreadActivity(thread, last.stream().findFirst()));
        }
        activity.sort(Comparator
                .comparing((ThreadActivity item) -> item.lastMessage().map(message -> message.id().value()).orElse(0L))
                .thenComparing(item -> item.thread().id().value())
                .reversed());
        return activity;
    }
}
