package org.parley.application.testing;

import java.time.Instant;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicInteger;

import org.parley.application.port.out.MessageRange;
import org.parley.application.port.out.MessageRepository;
import org.parley.application.port.out.ReadMarkerRepository;
import org.parley.application.port.out.ThreadActivity;
import org.parley.application.port.out.ThreadRepository;
import org.parley.domain.chat.Message;
import org.parley.domain.chat.MessageId;
import org.parley.domain.chat.ReadState;
import org.parley.domain.chat.ThreadId;
import org.parley.domain.user.UserId;

/**
 * {@link ReadMarkerRepository} in memory, for tests: markers in a concurrent map (the greatest id wins, atomically);
 * unread counts read from the message store at the time of asking, as the real store does. Counts its calls, so that
 * tests can check what a use case asked.
 */
public final class InMemoryReadMarkerRepository implements ReadMarkerRepository {

    private final ThreadRepository threads;
    private final MessageRepository messages;
    private final Map<ThreadId, Map<UserId, MessageId>> markers = new ConcurrentHashMap<>();
    private final AtomicInteger calls = new AtomicInteger();

    public InMemoryReadMarkerRepository(ThreadRepository threads, MessageRepository messages) {
        this.threads = Objects.requireNonNull(threads, "threads");
        this.messages = Objects.requireNonNull(messages, "messages");
    }

    @Override
    public Advance advance(ThreadId thread, UserId reader, MessageId upTo, Instant at) {
        Objects.requireNonNull(at, "at");
        calls.incrementAndGet();
        boolean[] moved = new boolean[1];
        MessageId after = markers.computeIfAbsent(thread, key -> new ConcurrentHashMap<>())
                .compute(reader, (key, current) -> {
                    moved[0] = current == null || upTo.compareTo(current) > 0;
                    return moved[0] ? upTo : current;
                });
        return new Advance(after, moved[0]);
    }

    @Override
    public ReadState findIn(ThreadId thread) {
        calls.incrementAndGet();
        return new ReadState(markers.getOrDefault(thread, Map.of()));
    }

    @Override
    public Map<ThreadId, ThreadReading> findReadingOf(UserId user) {
        calls.incrementAndGet();
        Map<ThreadId, ThreadReading> reading = new HashMap<>();
        for (ThreadActivity activity : threads.findActivityOf(user)) {
            ThreadId thread = activity.thread().id();
            ReadState state = new ReadState(markers.getOrDefault(thread, Map.of()));
            Optional<MessageId> mine = state.markerOf(user);
            List<Message> above = messages.findInThread(thread,
                    new MessageRange(mine, Optional.empty(), MessageRange.Direction.OLDEST_FIRST), Integer.MAX_VALUE);
            long unread = above.stream()
                    .filter(message -> message.receiver().equals(user) && !message.deleted()).count();
            reading.put(thread, new ThreadReading(state, unread));
        }
        return reading;
    }

    /** How many calls were made, of any method. */
    public int calls() {
        return calls.get();
    }
}
