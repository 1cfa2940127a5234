package org.parley.application.port.out;

import java.time.Instant;
import java.util.List;
import java.util.Optional;

import org.parley.domain.chat.ChatThread;
import org.parley.domain.chat.Participants;
import org.parley.domain.chat.ThreadId;
import org.parley.domain.user.UserId;

/** Stores threads, at most one per pair of participants. *
 * <p>Any method throws {@link org.parley.application.error.Unavailable} when the store cannot be reached (the database
 * is down or does not answer in time).
 */
public interface ThreadRepository {

    /**
     * The thread of this pair, created (at {@code now}) if there is none yet. Race-safe: any number of concurrent
     * calls for the same pair, in this process or others sharing the store, all return the same single thread.
     */
    ChatThread getOrCreate(Participants participants, Instant now);

    Optional<ChatThread> findByParticipants(Participants participants);

    /**
     * The thread of this pair when this repository holds it in memory now, without reading the store or waiting for a
     * load in flight; empty when it does not (whether or not the thread exists: then ask {@link #getOrCreate}). Never
     * throws {@link org.parley.application.error.Unavailable}. The default holds nothing.
     */
    default Optional<ChatThread> findHeld(Participants participants) {
        return Optional.empty();
    }

    Optional<ChatThread> findById(ThreadId id);

    /**
     * The threads {@code user} takes part in with their latest message, most recent activity first. Threads without
     * a message come last. Costs a constant number of queries whatever the number of threads.
     */
    List<ThreadActivity> findActivityOf(UserId user);
}
