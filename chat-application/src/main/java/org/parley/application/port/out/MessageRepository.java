package org.parley.application.port.out;

import java.time.Instant;
import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import java.util.Optional;
import java.util.Set;

import org.parley.domain.chat.Message;
import org.parley.domain.chat.MessageContent;
import org.parley.domain.chat.MessageDraft;
import org.parley.domain.chat.MessageId;
import org.parley.domain.chat.ThreadId;

/**
 * Stores messages. Ids are assigned when messages are stored and grow with time.
 *
 * <p><b>Within a thread, ids follow commit order</b>, however many servers share the store: once a message of a thread
 * can be read, no message of that thread with a smaller id can appear later. So a reader who has seen message N of a
 * thread and asks for the messages after N misses none (contract §18: catching up never misses a message).
 *
 * <p>Any method throws {@link org.parley.application.error.Unavailable} when the store cannot be reached (the database
 * is down or does not answer in time); nothing was stored then.
 */
public interface MessageRepository {

    /**
     * Stores the drafts durably, all or none, in one transaction (committed when this returns), and answers for each,
     * in the same order, an {@link AppendedMessage}. A draft is stored unless it repeats a send (contract §14): its
     * {@code client_msg_id} is present and its sender already stored a message with the same one (in an earlier batch,
     * here or on another server sharing the store, or earlier in this batch); then nothing is stored for it and its
     * answer is that original message ({@link AppendedMessage#repeatOf}). Whatever the timing, a sender's
     * {@code client_msg_id} names at most one stored message, and a repeat never fails the other drafts of the batch.
     * A draft without one costs nothing more than before.
     *
     * <p>The stored messages get new ids, which grow along the list, each with its {@link ThreadPosition}: right after
     * the message of its thread stored just before it (in an earlier batch, here or on another server, or earlier in
     * this batch), or {@linkplain ThreadPosition#first() first}. The positions of a thread's messages therefore form
     * one chain in id order. This is the write path of group commit: the cost of a commit is shared by every message of
     * the batch.
     *
     * @throws IllegalArgumentException when {@code drafts} is empty
     */
    List<AppendedMessage> appendNew(List<DraftToStore> drafts);

    /**
     * {@link #appendNew} for drafts without a {@code client_msg_id}: every one is stored.
     *
     * @throws IllegalArgumentException when {@code drafts} is empty
     */
    default List<AppendedMessage> appendAll(List<MessageDraft> drafts) {
        List<DraftToStore> toStore = new ArrayList<>(drafts.size());
        for (MessageDraft draft : drafts) {
            toStore.add(DraftToStore.always(draft));
        }
        return appendNew(toStore);
    }

    /**
     * As {@link #appendNew}, and in the same transaction records in the webhook outbox ({@link WebhookOutbox}) one
     * {@link WebhookEvent#messageNew} event per message stored now, in the messages' order: a message stored is an
     * event stored (contract §15). A repeat ({@link AppendedMessage#repeat()}) records nothing: its original's event was
     * recorded when the original was stored. Group commit calls this instead of {@link #appendNew} only when a webhook
     * is configured.
     *
     * @throws IllegalArgumentException when {@code drafts} is empty
     * @throws UnsupportedOperationException when this store keeps no outbox
     */
    default List<AppendedMessage> appendNewRecordingEvents(List<DraftToStore> drafts) {
        throw new UnsupportedOperationException(getClass().getSimpleName() + " keeps no webhook outbox");
    }

    /** Stores one draft durably (committed when this returns) and returns it with its new id. */
    default Message append(MessageDraft draft) {
        return appendAll(List.of(draft)).get(0).message();
    }

    Optional<Message> findById(MessageId id);

    /**
     * The highest id of a message stored so far (committed), {@code 0} when none is: a node that joins several others
     * reads it to tell a message stored before it could receive their frames from one stored after.
     *
     * @throws RuntimeException when storage cannot answer (the caller tries again later)
     */
    long highestId();

    /**
     * Up to {@code limit} messages of every thread with an id above {@code afterId} and at most {@code upToId},
     * lowest id first: a node that stopped hearing another reads what that node may have stored without passing on.
     *
     * @throws IllegalArgumentException when {@code limit} is not positive
     */
    List<Message> findBetween(long afterId, long upToId, int limit);

    /**
     * For implementations of {@link #findBetween}: whether its range holds no id at all ({@code upToId} at or below
     * {@code afterId}), after checking {@code limit}.
     *
     * @throws IllegalArgumentException when {@code limit} is not positive
     */
    static boolean noIdBetween(long afterId, long upToId, int limit) {
        if (limit < 1) {
            throw new IllegalArgumentException("limit must be at least 1, got " + limit);
        }
        return upToId <= afterId;
    }

    /**
     * Up to {@code limit} messages of a thread inside {@code range}.
     * {@link MessageRange.Direction#NEWEST_FIRST} takes the newest of the range, newest first;
     * {@link MessageRange.Direction#OLDEST_FIRST} takes the oldest of the range, oldest first.
     */
    List<Message> findInThread(ThreadId thread, MessageRange range, int limit);

    /** Like {@link #findInThread}, but only the thread's {@code file} messages that are not deleted. */
    List<Message> findFilesInThread(ThreadId thread, MessageRange range, int limit);

    /**
     * Stores the edit of a text message (contract §12): its new text, {@code edited}, {@code updatedAt} = {@code at},
     * in one transaction (committed when this returns) — unless the message is deleted (or does not exist) by then, so
     * that an edit racing a deletion never brings text back.
     *
     * @return whether the edit was stored
     */
    boolean saveEdit(MessageId message, MessageContent.Text text, Instant at);

    /**
     * Turns a message into its tombstone (contract §12): its content gone (text, caption, attachment and its storage
     * key, shared profile), its kind kept, {@code updatedAt} = {@code at}, in one transaction (committed when this
     * returns). Afterwards no message names its attachment's storage key, so {@link #referencedStorageKeys} no longer
     * returns it.
     *
     * @return whether it was deleted now ({@code false}: it was deleted already, or does not exist)
     */
    boolean saveDeletion(MessageId message, Instant at);

    /**
     * As {@link #saveEdit}, and when the edit is stored records {@code event} (its {@link WebhookEvent#messageEdited})
     * in the webhook outbox ({@link WebhookOutbox}) in the same transaction: an edit stored is an event stored, and an
     * edit refused (the message deleted meanwhile) records nothing (contract §15). Called instead of {@link #saveEdit}
     * only when a webhook is configured.
     *
     * @return whether the edit (and so its event) was stored
     * @throws IllegalArgumentException when {@code event} is not a {@code MESSAGE_EDITED} event of {@code message}
     * @throws UnsupportedOperationException when this store keeps no outbox
     */
    default boolean saveEditRecordingEvent(MessageId message, MessageContent.Text text, Instant at,
                                           WebhookEvent event) {
        throw new UnsupportedOperationException(getClass().getSimpleName() + " keeps no webhook outbox");
    }

    /**
     * As {@link #saveDeletion}, and when the message is deleted now records {@code event} (its
     * {@link WebhookEvent#messageDeleted}) in the webhook outbox in the same transaction; a message deleted already
     * records nothing again (contract §15). Called instead of {@link #saveDeletion} only when a webhook is configured.
     *
     * @return whether it was deleted now (and so its event stored)
     * @throws IllegalArgumentException when {@code event} is not a {@code MESSAGE_DELETED} event of {@code message}
     * @throws UnsupportedOperationException when this store keeps no outbox
     */
    default boolean saveDeletionRecordingEvent(MessageId message, Instant at, WebhookEvent event) {
        throw new UnsupportedOperationException(getClass().getSimpleName() + " keeps no webhook outbox");
    }

    /** The most storage keys {@link #referencedStorageKeys} takes in one call. */
    int MAX_KEYS_PER_QUERY = 1_000;

    /**
     * Which of these attachment storage keys some stored message names (the others are named by none), answered in
     * one query whatever the number of keys, so that a store's files can be checked in batches.
     *
     * @param storageKeys at most {@link #MAX_KEYS_PER_QUERY} keys; none may be {@code null}
     * @return a subset of {@code storageKeys}
     * @throws IllegalArgumentException when there are more than {@link #MAX_KEYS_PER_QUERY} keys
     */
    Set<String> referencedStorageKeys(Collection<String> storageKeys);
}
