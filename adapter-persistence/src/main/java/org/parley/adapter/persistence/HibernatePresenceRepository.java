package org.parley.adapter.persistence;

import java.time.Instant;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;
import java.util.UUID;

import org.parley.application.port.out.PresenceRepository;
import org.parley.domain.user.UserId;

/**
 * {@link PresenceRepository} on {@code chat_threads} (who shares a thread with whom: each query served by the pair's
 * unique index for the first participant and {@code ix_chat_threads_second_user} for the second) and
 * {@code user_last_seen} (schema V6).
 */
final class HibernatePresenceRepository implements PresenceRepository {

    static final String LAST_SEEN_KEY = "pk_user_last_seen";

    private static final String PARTNERS = """
            select t.firstUserId, t.secondUserId
            from ChatThreadEntity t
            where t.firstUserId in :users or t.secondUserId in :users
            """;
    private static final String PARTNERS_AMONG = """
            select case when t.firstUserId = :user then t.secondUserId else t.firstUserId end, s.lastSeen
            from ChatThreadEntity t
            left join LastSeenEntity s
                on s.userId = case when t.firstUserId = :user then t.secondUserId else t.firstUserId end
            where (t.firstUserId = :user and t.secondUserId in :candidates)
               or (t.secondUserId = :user and t.firstUserId in :candidates)
            """;

    private final Transactions transactions;

    HibernatePresenceRepository(Transactions transactions) {
        this.transactions = Objects.requireNonNull(transactions, "transactions");
    }

    @Override
    public Map<UserId, Set<UserId>> partnersOf(Set<UserId> users) {
        Map<UserId, Set<UserId>> found = new HashMap<>();
        List<UUID> ids = users.stream().map(UserId::value).toList();
        for (int from = 0; from < ids.size(); from += BATCH) {
            List<UUID> batch = ids.subList(from, Math.min(ids.size(), from + BATCH));
            Set<UUID> asked = new HashSet<>(batch);
            List<Object[]> rows = transactions.read(session -> session.createSelectionQuery(PARTNERS, Object[].class)
                    .setParameterList("users", batch)
                    .getResultList());
            for (Object[] row : rows) {
                UUID first = (UUID) row[0];
                UUID second = (UUID) row[1];
                if (asked.contains(first)) {
                    found.computeIfAbsent(new UserId(first), user -> new HashSet<>()).add(new UserId(second));
                }
                if (asked.contains(second)) {
                    found.computeIfAbsent(new UserId(second), user -> new HashSet<>()).add(new UserId(first));
                }
            }
        }
        return found;
    }

    @Override
    public Map<UserId, Optional<Instant>> partnersAmong(UserId user, Set<UserId> candidates) {
        Objects.requireNonNull(user, "user");
        if (candidates.isEmpty()) {
            return Map.of();
        }
        List<UUID> ids = candidates.stream().map(UserId::value).toList();
        List<Object[]> rows = transactions.read(session -> session.createSelectionQuery(PARTNERS_AMONG, Object[].class)
                .setParameter("user", user.value())
                .setParameterList("candidates", ids)
                .getResultList());
        Map<UserId, Optional<Instant>> found = new HashMap<>();
        for (Object[] row : rows) {
            found.put(new UserId((UUID) row[0]), Optional.ofNullable((Instant) row[1]));
        }
        return found;
    }

    /**
     * Reads the rows of these users, updates the older ones and inserts the missing ones, in one transaction; when
     * another node inserted one first (the primary key refuses the insert), does it all again (the row is updated
     * then).
     */
    @Override
    public void recordLastSeen(Map<UserId, Instant> lastSeen) {
        lastSeen.values().forEach(at -> Objects.requireNonNull(at, "at"));
        if (lastSeen.isEmpty()) {
            return;
        }
        List<Map.Entry<UserId, Instant>> entries = List.copyOf(lastSeen.entrySet());
        for (int from = 0; from < entries.size(); from += BATCH) {
            List<Map.Entry<UserId, Instant>> batch = entries.subList(from, Math.min(entries.size(), from + BATCH));
            try {
                write(batch);
            } catch (RuntimeException failure) {
                if (!UniqueViolation.of(failure, LAST_SEEN_KEY)) {
                    throw failure;
                }
                write(batch);
            }
        }
    }

    private void write(List<Map.Entry<UserId, Instant>> batch) {
        transactions.write(session -> {
            List<UUID> ids = batch.stream().map(entry -> entry.getKey().value()).toList();
            Map<UUID, LastSeenEntity> rows = new HashMap<>();
            session.createSelectionQuery("from LastSeenEntity s where s.userId in :ids", LastSeenEntity.class)
                    .setParameterList("ids", ids)
                    .getResultList()
                    .forEach(row -> rows.put(row.userId, row));
            for (Map.Entry<UserId, Instant> entry : batch) {
                LastSeenEntity row = rows.get(entry.getKey().value());
                if (row == null) {
                    session.persist(new LastSeenEntity(entry.getKey().value(), entry.getValue()));
                } else if (row.lastSeen.isBefore(entry.getValue())) {
                    row.lastSeen = entry.getValue();
                }
            }
            session.flush();
            return null;
        });
    }
}
