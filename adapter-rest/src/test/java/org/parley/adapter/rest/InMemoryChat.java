package org.parley.adapter.rest;

import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

import org.parley.application.port.out.MessageRange;
import org.parley.application.port.out.MessageRepository;
import org.parley.application.port.out.ThreadActivity;
import org.parley.application.port.out.ThreadRepository;
import org.parley.domain.chat.ChatThread;
import org.parley.domain.chat.Message;
import org.parley.domain.chat.MessageContent;
import org.parley.domain.chat.MessageDraft;
import org.parley.domain.chat.MessageId;
import org.parley.domain.chat.Participants;
import org.parley.domain.chat.ThreadId;
import org.parley.domain.user.UserId;

/** Small in-memory thread and message stores for this module's tests. */
final class InMemoryChat implements ThreadRepository, MessageRepository {

    private final Map<Participants, ChatThread> threads = new HashMap<>();
    private final List<Message> messages = new ArrayList<>();
    private long nextThreadId = 1;
    private long nextMessageId = 1;

    @Override
    public synchronized ChatThread getOrCreate(Participants participants, Instant now) {
        return threads.computeIfAbsent(participants, pair -> new ChatThread(new ThreadId(nextThreadId++), pair, now));
    }

    @Override
    public synchronized Optional<ChatThread> findByParticipants(Participants participants) {
        return Optional.ofNullable(threads.get(participants));
    }

    @Override
    public synchronized Optional<ChatThread> findById(ThreadId id) {
        return threads.values().stream().filter(thread -> thread.id().equals(id)).findFirst();
    }

    @Override
    public synchronized List<ThreadActivity> findActivityOf(UserId user) {
        return threads.values().stream()
                .filter(thread -> thread.includes(user))
                .map(thread -> new ThreadActivity(thread, latestIn(thread.id())))
                .sorted(Comparator.comparing((ThreadActivity activity) ->
                                activity.lastMessage().map(message -> message.id().value()).orElse(0L))
                        .reversed())
                .toList();
    }

    @Override
    public synchronized Message append(MessageDraft draft) {
        Message stored = draft.storedAs(new MessageId(nextMessageId++));
        messages.add(stored);
        return stored;
    }

    @Override
    public synchronized Optional<Message> findById(MessageId id) {
        return messages.stream().filter(message -> message.id().equals(id)).findFirst();
    }

    @Override
    public synchronized List<Message> findInThread(ThreadId thread, MessageRange range, int limit) {
        Comparator<Message> byId = Comparator.comparing(Message::id);
        return messages.stream()
                .filter(message -> message.threadId().equals(thread))
                .filter(message -> range.after().map(after -> message.id().compareTo(after) > 0).orElse(true))
                .filter(message -> range.before().map(before -> message.id().compareTo(before) < 0).orElse(true))
                .sorted(range.direction() == MessageRange.Direction.NEWEST_FIRST ? byId.reversed() : byId)
                .limit(limit)
                .toList();
    }

    @Override
    public synchronized List<Message> findFilesInThread(ThreadId thread, MessageRange range, int limit) {
        return findInThread(thread, range, Integer.MAX_VALUE).stream()
                .filter(message -> message.content() instanceof MessageContent.File)
                .limit(limit)
                .toList();
    }

    private Optional<Message> latestIn(ThreadId thread) {
        return messages.stream().filter(message -> message.threadId().equals(thread)).max(Comparator.comparing(Message::id));
    }
}
