package org.parley.adapter.persistence;

import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Objects;
import java.util.Optional;

import com.github.benmanes.caffeine.cache.Cache;
import com.github.benmanes.caffeine.cache.Caffeine;
import org.parley.application.port.out.ThreadActivity;
import org.parley.application.port.out.ThreadRepository;
import org.parley.domain.chat.ChatThread;
import org.parley.domain.chat.Participants;
import org.parley.domain.chat.ThreadId;
import org.parley.domain.user.UserId;

/**
 * {@link ThreadRepository} that keeps the threads it has seen in memory, by pair and by id, because every message
 * looks its pair's thread up ({@link #getOrCreate}).
 *
 * <p>No invalidation is needed: a thread is never deleted and never changes once created, and a pair has exactly one
 * thread for ever, so a thread read once is right for ever, whichever server created it. <b>Absence is not
 * cached</b>: a pair without a thread is asked of the database each time, so a thread another server creates is found
 * at once. "One thread per pair" still rests on the database's unique constraint (the wrapped repository's
 * {@code getOrCreate}, unchanged); the cache only adds that concurrent first calls for one pair in this server wait
 * for one of them instead of racing to the database.
 *
 * <p>Memory is bounded by {@code maximumEntries} threads in each of the two maps, and a thread nobody has asked for in
 * {@link #IDLE_LIFETIME} is dropped, so memory returns to its baseline when conversations stop.
 * {@link #findActivityOf} (the thread list with latest messages, which do change) always reads the database.
 *
 * <p>Call it outside any database transaction: a load runs while holding Caffeine's per-entry lock.
 */
final class CachingThreadRepository implements ThreadRepository {

    /** How long a thread stays in memory after it was last asked for. */
    static final Duration IDLE_LIFETIME = Duration.ofMinutes(10);

    private final ThreadRepository delegate;
    private final Cache<Participants, ChatThread> byPair;
    private final Cache<ThreadId, ChatThread> byId;

    CachingThreadRepository(ThreadRepository delegate, int maximumEntries) {
        this.delegate = Objects.requireNonNull(delegate, "delegate");
        if (maximumEntries < 1) {
            throw new IllegalArgumentException("maximumEntries must be at least 1, got " + maximumEntries);
        }
        this.byPair = Caffeine.newBuilder().maximumSize(maximumEntries).expireAfterAccess(IDLE_LIFETIME).build();
        this.byId = Caffeine.newBuilder().maximumSize(maximumEntries).expireAfterAccess(IDLE_LIFETIME).build();
    }

    @Override
    public ChatThread getOrCreate(Participants participants, Instant now) {
        Objects.requireNonNull(participants, "participants");
        Objects.requireNonNull(now, "now");
        ChatThread cached = byPair.getIfPresent(participants);
        if (cached != null) {
            return cached;
        }
        ChatThread thread = byPair.get(participants, pair -> delegate.getOrCreate(pair, now));
        byId.put(thread.id(), thread);
        return thread;
    }

    @Override
    public Optional<ChatThread> findByParticipants(Participants participants) {
        Objects.requireNonNull(participants, "participants");
        ChatThread cached = byPair.getIfPresent(participants);
        if (cached != null) {
            return Optional.of(cached);
        }
        // A null from the loader stores nothing: a pair without a thread is not remembered as such.
        Optional<ChatThread> thread =
                Optional.ofNullable(byPair.get(participants, pair -> delegate.findByParticipants(pair).orElse(null)));
        // Outside the loader: filling the other map from inside it could deadlock with a load running the other way.
        thread.ifPresent(found -> byId.put(found.id(), found));
        return thread;
    }

    /** The pair's thread if held now ({@link Cache#getIfPresent}: no load, no wait for one in flight). */
    @Override
    public Optional<ChatThread> findHeld(Participants participants) {
        Objects.requireNonNull(participants, "participants");
        return Optional.ofNullable(byPair.getIfPresent(participants));
    }

    @Override
    public Optional<ChatThread> findById(ThreadId id) {
        Objects.requireNonNull(id, "id");
        ChatThread cached = byId.getIfPresent(id);
        if (cached != null) {
            return Optional.of(cached);
        }
        Optional<ChatThread> thread = Optional.ofNullable(byId.get(id, key -> delegate.findById(key).orElse(null)));
        thread.ifPresent(found -> byPair.put(found.participants(), found));
        return thread;
    }

    @Override
    public List<ThreadActivity> findActivityOf(UserId user) {
        return delegate.findActivityOf(user);
    }

    /** How many threads are held by pair, after pending evictions have been applied (for tests). */
    long heldByPair() {
        byPair.cleanUp();
        return byPair.estimatedSize();
    }

    /** How many threads are held by id, after pending evictions have been applied (for tests). */
    long heldById() {
        byId.cleanUp();
        return byId.estimatedSize();
    }
}
