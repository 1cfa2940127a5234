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
            select case when t.firstUserId = :user then t.secondUserId else t.firstUserId end
            from ChatThreadEntity t
            where t.firstUserId = :user or t.secondUserId = :user
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
    public Set<UserId> partnersOf(UserId user) {
        Objects.requireNonNull(user, "user");
        List<UUID> partners = transactions.read(session -> session.createSelectionQuery(PARTNERS, UUID.class)
                .setParameter("user", user.value())
                .getResultList());
        Set<UserId> found = new HashSet<>();
        partners.forEach(partner -> found.add(new UserId(partner)));
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
     * Updates the user's row, or inserts it; when another node inserted it first (the primary key refuses the
     * insert), updates it then.
     */
    @Override
    public void recordLastSeen(UserId user, Instant at) {
        Objects.requireNonNull(user, "user");
        Objects.requireNonNull(at, "at");
        try {
            write(user, at);
        } catch (RuntimeException failure) {
            if (!UniqueViolation.of(failure, LAST_SEEN_KEY)) {
                throw failure;
            }
            write(user, at);
        }
    }

    private void write(UserId user, Instant at) {
        transactions.write(session -> {
            LastSeenEntity row = session.find(LastSeenEntity.class, user.value());
            if (row == null) {
                session.persist(new LastSeenEntity(user.value(), at));
                session.flush();
            } else if (row.lastSeen.isBefore(at)) {
                row.lastSeen = at;
            }
            return null;
        });
    }
}
