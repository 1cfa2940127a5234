package org.parley.adapter.persistence;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collection;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;

import org.hibernate.Session;
import org.hibernate.StatelessSession;
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
import org.parley.domain.chat.MessageType;
import org.parley.domain.chat.ThreadId;

/** {@link MessageRepository} on the {@code messages} table; each method is one transaction. */
final class HibernateMessageRepository implements MessageRepository {

    /** Rows per JDBC batch: large enough to amortise round trips, small enough to bound one statement's size. */
    static final int JDBC_BATCH_SIZE = 500;
    /** The constraint that keeps one stored message per sender and {@code client_msg_id} (migration V7). */
    static final String CLIENT_MSG_ID_CONSTRAINT = "uq_messages_sender_client_msg_id";
    /** How many times a batch is stored when another server stored one of its keys meanwhile. */
    static final int ATTEMPTS = 3;

    private final Transactions transactions;
    private final ThreadOrder threadOrder;
    private final SentKeys sentKeys;
    private final SequenceIds ids;
    private final RecentKeys recentKeys = new RecentKeys();

    HibernateMessageRepository(Transactions transactions, ThreadOrder threadOrder, SentKeys sentKeys, SequenceIds ids) {
        this.transactions = Objects.requireNonNull(transactions, "transactions");
        this.threadOrder = Objects.requireNonNull(threadOrder, "threadOrder");
        this.sentKeys = Objects.requireNonNull(sentKeys, "sentKeys");
        this.ids = Objects.requireNonNull(ids, "ids");
    }

    /**
     * One transaction of a stateless session (the rows are only written, so no persistence context is kept for them):
     * the rows of the batch's threads locked in one statement and their latest message ids read in another
     * ({@link ThreadOrder}: within a thread, ids then follow commit order on any number of servers); when some draft
     * carries a {@code client_msg_id} that this server saw lately ({@link RecentKeys}: a repeat is likely), the messages
     * already stored under the batch's keys in one more ({@link SentKeys}, contract §14); the ids of the drafts to
     * store in one sequence statement, then their rows, one prepared insert executed as JDBC batches of
     * {@value #JDBC_BATCH_SIZE} ({@link MessageRows}; on PostgreSQL the driver also rewrites each batch into multi-row
     * inserts), then one commit, which releases the locks. Four statements whatever the batch's size and number of
     * threads, five when a repeat is likely. On PostgreSQL, when no key is looked up, the lock, the latest ids and the
     * new ids are sent as one text, so the batch takes three round trips (that, rows, commit) instead of five
     * ({@link ThreadOrder#LOCK_LATEST_AND_IDS}: each statement still reads what was committed when it starts). Each
     * statement is plain JDBC on the session's connection with one SQL text
     * whatever the batch's size (thread ids and keys as array parameters), so the driver and the database see the same
     * few texts batch after batch, and no ORM query plan is resolved nor any row bound through Hibernate (issue 16:
     * that machinery had cost the writer thread more than the database did).
     *
     * <p>A draft whose key is already stored, or taken by an earlier draft of the same batch, is answered with that
     * message and not stored. A key stored already that was not looked up (stored through another server, before a
     * restart, or long ago), or stored by another server between the look-up and the insert, fails the insert on
     * {@code uq_messages_sender_client_msg_id}: the transaction is rolled back and the whole batch is stored again with
     * the look-up, now finding that key, so a repeat never fails the other drafts of its batch (at most
     * {@value #ATTEMPTS} attempts).
     */
    @Override
    public List<AppendedMessage> appendNew(List<DraftToStore> drafts) {
        return append(drafts, false);
    }

    /**
     * As {@link #appendNew}, plus one JDBC batch inserting into {@code webhook_outbox} ({@link OutboxRows}) the
     * {@code message.new} event of each message stored now (none for a repeat), in the same transaction: one statement
     * more whatever the batch's size (none when the whole batch repeats).
     */
    @Override
    public List<AppendedMessage> appendNewRecordingEvents(List<DraftToStore> drafts) {
        return append(drafts, true);
    }

    private List<AppendedMessage> append(List<DraftToStore> drafts, boolean recordingEvents) {
        List<DraftToStore> batch = List.copyOf(drafts);
        if (batch.isEmpty()) {
            throw new IllegalArgumentException("Nothing to append");
        }
        boolean repeatLikely = recentKeys.rememberAll(batch);
        for (int attempt = 1; ; attempt++) {
            boolean lookUpKeys = repeatLikely || attempt > 1;
            try {
                return transactions.stateless(batch.size(),
                        session -> append(session, batch, recordingEvents, lookUpKeys));
            } catch (RuntimeException failure) {
                if (attempt >= ATTEMPTS || !UniqueViolation.of(failure, CLIENT_MSG_ID_CONSTRAINT)) {
                    throw failure;
                }
            }
        }
    }

    /**
     * The batch's statements, as plain JDBC on the session's own connection, so in its transaction: each has one SQL
     * text whatever the batch's size (arrays for the lists), and the rows are bound column by column
     * ({@link MessageRows}), with no ORM query plan or per-row binding between the batch and its statements. A
     * {@link SQLException} leaves as Hibernate's {@link org.hibernate.JDBCException} (a constraint's as its
     * {@link org.hibernate.exception.ConstraintViolationException}, which {@link UniqueViolation} recognises).
     */
    private List<AppendedMessage> append(StatelessSession session, List<DraftToStore> batch,
                                         boolean recordingEvents, boolean lookUpKeys) {
        return session.doReturningWork(connection -> append(connection, batch, recordingEvents, lookUpKeys));
    }

    private List<AppendedMessage> append(Connection connection, List<DraftToStore> batch,
                                         boolean recordingEvents, boolean lookUpKeys) throws SQLException {
        List<ThreadId> threads = batch.stream().map(draft -> draft.draft().threadId()).toList();
        Map<ThreadId, ThreadPosition> next;
        List<Long> drawn = null;
        if (lookUpKeys) {
            next = threadOrder.lockForAppending(connection, threads);
        } else {
            // Every draft is stored (or repeats one of this batch): its ids are drawn with the locks, in one round
            // trip where the database allows (ThreadOrder.LOCK_LATEST_AND_IDS).
            ThreadOrder.Opening opening = threadOrder.lockForAppendingDrawingIds(connection, threads, ids,
                    batch.size());
            next = opening.next();
            drawn = opening.ids();
        }
        Map<SentKeys.Key, Message> sent = lookUpKeys ? sentKeys.storedUnder(connection, batch) : Map.of();
        AppendedMessage[] answers = new AppendedMessage[batch.size()];
        int toStore = 0;
        for (int i = 0; i < batch.size(); i++) {
            SentKeys.Key key = sent.isEmpty() ? null : SentKeys.of(batch.get(i));
            Message original = key == null ? null : sent.get(key);
            if (original != null) {
                answers[i] = AppendedMessage.repeatOf(original);
            } else {
                toStore++;
            }
        }
        List<Long> assigned = drawn != null ? drawn : toStore == 0 ? List.of() : ids.next(connection, toStore);
        List<MessageEntity> rows = new ArrayList<>(toStore);
        Map<SentKeys.Key, Message> storedNow = new HashMap<>();
        int nextId = 0;
        for (int i = 0; i < batch.size(); i++) {
            if (answers[i] != null) {
                continue;
            }
            DraftToStore draft = batch.get(i);
            SentKeys.Key key = SentKeys.of(draft);
            Message earlierInBatch = key == null ? null : storedNow.get(key);
            if (earlierInBatch != null) {
                answers[i] = AppendedMessage.repeatOf(earlierInBatch);
                continue;
            }
            MessageEntity entity = MessageMapper.newEntity(draft.draft());
            entity.clientMsgId = key == null ? null : key.clientMsgId();
            entity.id = assigned.get(nextId++);
            rows.add(entity);
            Message message = MessageMapper.stored(draft.draft(), entity);
            ThreadPosition position = next.get(message.threadId());
            refuseIdsBehindTheThread(message, position);
            answers[i] = new AppendedMessage(message, position);
            next.put(message.threadId(), ThreadPosition.after(message.id()));
            if (key != null) {
                storedNow.put(key, message);
            }
        }
        MessageRows.insert(connection, rows, JDBC_BATCH_SIZE);
        List<AppendedMessage> appended = List.of(answers);
        if (recordingEvents) {
            recordNew(connection, appended);
        }
        return appended;
    }

    /** The {@code message.new} events of the messages stored now (not of repeats), as one JDBC batch. */
    private static void recordNew(Connection connection, List<AppendedMessage> appended) throws SQLException {
        List<WebhookEvent> events = new ArrayList<>(appended.size());
        for (AppendedMessage stored : appended) {
            if (!stored.repeat()) {
                events.add(WebhookEvent.messageNew(stored.message()));
            }
        }
        OutboxRows.insert(connection, events);
    }

    /**
     * A new id at or below the latest of its thread means the sequence is behind rows written around it (an import
     * that did not move it on): storing would break "ids grow with time" for that thread, and with it catching up with
     * {@code after=}, so the batch is refused (and rolled back) with what to do.
     */
    private static void refuseIdsBehindTheThread(Message message, ThreadPosition position) {
        Optional<MessageId> previous = position.previous();
        if (previous.isPresent() && previous.get().compareTo(message.id()) >= 0) {
            throw new IllegalStateException("Thread " + message.threadId() + " already holds message " + previous.get()
                    + ", but messages_id_seq gave the new message id " + message.id() + ": the sequence is behind "
                    + "rows written around it; set it past the largest message id (see docs/storage.md, Message ids)");
        }
    }

    @Override
    public Optional<Message> findById(MessageId id) {
        Objects.requireNonNull(id, "id");
        return transactions.read(session ->
                Optional.ofNullable(session.find(MessageEntity.class, id.value())).map(MessageMapper::toDomain));
    }

    /** One probe of the primary key's index, from its end, in its own transaction. */
    @Override
    public long highestId() {
        return transactions.jdbc(connection -> {
            try (PreparedStatement highest = connection.prepareStatement("select max(id) from messages");
                 ResultSet row = highest.executeQuery()) {
                return row.next() ? row.getLong(1) : 0L;
            }
        });
    }

    /** One range scan of the primary key's index ({@link MessageRows#between}). */
    @Override
    public List<Message> findBetween(long afterId, long upToId, int limit) {
        if (MessageRepository.noIdBetween(afterId, upToId, limit)) {
            return List.of();
        }
        List<MessageEntity> found = transactions.jdbc(connection ->
                MessageRows.between(connection, afterId, upToId, limit));
        return found.stream().map(MessageMapper::toDomain).toList();
    }

    /**
     * One range scan of the {@code (thread_id, id)} index, from the end the range's direction names: one statement,
     * plain JDBC ({@link MessageRows#page}).
     */
    @Override
    public List<Message> findInThread(ThreadId thread, MessageRange range, int limit) {
        return find(thread, Optional.empty(), range, limit);
    }

    /**
     * The same range scan of the {@code (thread_id, id)} index, filtered by type: a thread's messages are few enough
     * (and files a large enough share of them) that no index of its own pays for itself.
     */
    @Override
    public List<Message> findFilesInThread(ThreadId thread, MessageRange range, int limit) {
        return find(thread, Optional.of(MessageType.FILE), range, limit);
    }

    private List<Message> find(ThreadId thread, Optional<MessageType> type, MessageRange range, int limit) {
        Objects.requireNonNull(thread, "thread");
        Objects.requireNonNull(range, "range");
        if (limit < 1) {
            throw new IllegalArgumentException("limit must be at least 1, got " + limit);
        }
        long threadId = thread.value();
        String onlyType = type.map(MessageTypeCodes::codeOf).orElse(null);
        Long after = range.after().map(MessageId::value).orElse(null);
        Long before = range.before().map(MessageId::value).orElse(null);
        boolean newestFirst = range.direction() == MessageRange.Direction.NEWEST_FIRST;
        List<MessageEntity> found = transactions.jdbc(connection ->
                MessageRows.page(connection, threadId, onlyType, after, before, newestFirst, limit));
        return found.stream().map(MessageMapper::toDomain).toList();
    }

    /**
     * One {@code UPDATE … WHERE id = ? AND deleted = FALSE} (a primary-key probe) in its own transaction: the condition
     * makes an edit that races a deletion change nothing, whichever commits first.
     */
    @Override
    public boolean saveEdit(MessageId message, MessageContent.Text text, Instant at) {
        return edit(message, text, at, null);
    }

    /** As {@link #saveEdit}, plus the event's {@code webhook_outbox} row when the update changed the message. */
    @Override
    public boolean saveEditRecordingEvent(MessageId message, MessageContent.Text text, Instant at,
                                          WebhookEvent event) {
        Objects.requireNonNull(event, "event");
        return edit(message, text, at, event.requireOf(WebhookEvent.Kind.MESSAGE_EDITED, message));
    }

    private boolean edit(MessageId message, MessageContent.Text text, Instant at, WebhookEvent event) {
        Objects.requireNonNull(message, "message");
        Objects.requireNonNull(text, "text");
        Instant stamp = StoredInstants.toColumn(at);
        return transactions.write(session -> recordedIfChanged(session, event, session.createMutationQuery(
                        "update MessageEntity m set m.body = :body, m.edited = true, m.updatedAt = :at "
                                + "where m.id = :id and m.deleted = false")
                .setParameter("body", text.body())
                .setParameter("at", stamp)
                .setParameter("id", message.value())
                .executeUpdate()));
    }

    /**
     * One {@code UPDATE … WHERE id = ? AND deleted = FALSE} (a primary-key probe) in its own transaction, clearing every
     * content column, the storage key included: from the commit on, no row names the attachment's bytes.
     */
    @Override
    public boolean saveDeletion(MessageId message, Instant at) {
        return delete(message, at, null);
    }

    /** As {@link #saveDeletion}, plus the event's {@code webhook_outbox} row when the update deleted the message. */
    @Override
    public boolean saveDeletionRecordingEvent(MessageId message, Instant at, WebhookEvent event) {
        Objects.requireNonNull(event, "event");
        return delete(message, at, event.requireOf(WebhookEvent.Kind.MESSAGE_DELETED, message));
    }

    private boolean delete(MessageId message, Instant at, WebhookEvent event) {
        Objects.requireNonNull(message, "message");
        Instant stamp = StoredInstants.toColumn(at);
        return transactions.write(session -> recordedIfChanged(session, event, session.createMutationQuery(
                        "update MessageEntity m set m.deleted = true, m.updatedAt = :at, m.body = null, "
                                + "m.storageKey = null, m.fileName = null, m.sizeBytes = null, m.contentType = null, "
                                + "m.attachedProfileId = null where m.id = :id and m.deleted = false")
                .setParameter("at", stamp)
                .setParameter("id", message.value())
                .executeUpdate()));
    }

    /**
     * Whether the update changed its one row; if so and there is an {@code event}, its outbox row is inserted on the
     * same connection, so it commits (or rolls back) with the change: one statement more, only with a webhook.
     */
    private static boolean recordedIfChanged(Session session, WebhookEvent event, int changedRows) {
        if (changedRows != 1) {
            return false;
        }
        if (event != null) {
            session.doWork(connection -> OutboxRows.insert(connection, List.of(event)));
        }
        return true;
    }

    /**
     * One query, {@code storage_key IN (…)}, served by {@code ix_messages_storage_key} (one index probe per key,
     * migration V3), whatever the size of the table.
     */
    @Override
    public Set<String> referencedStorageKeys(Collection<String> storageKeys) {
        List<String> keys = List.copyOf(storageKeys);
        if (keys.size() > MAX_KEYS_PER_QUERY) {
            throw new IllegalArgumentException("At most " + MAX_KEYS_PER_QUERY + " keys, got " + keys.size());
        }
        if (keys.isEmpty()) {
            return Set.of();
        }
        return Set.copyOf(transactions.read(session -> session
                .createSelectionQuery("select distinct m.storageKey from MessageEntity m where m.storageKey in :keys",
                        String.class)
                .setParameter("keys", keys)
                .getResultList()));
    }
}
