package org.parley.adapter.persistence;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Duration;
import java.time.Instant;
import java.time.OffsetDateTime;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.UUID;

import org.parley.application.port.out.ClaimedWebhookEvent;
import org.parley.application.port.out.WebhookEvent;
import org.parley.application.port.out.WebhookOutbox;
import org.parley.domain.chat.MessageId;
import org.parley.domain.user.UserId;

/**
 * {@link WebhookOutbox} on the {@code webhook_outbox} table (migration V8), in plain SQL that H2 and PostgreSQL both
 * run; each method is one transaction.
 *
 * <p><b>Claiming</b> reads the due, unclaimed heads (rows with no older row of their receiver: one probe of
 * {@code ix_webhook_outbox_receiver} each), oldest first, then takes each by compare-and-set on its
 * {@code claim_token}. Two nodes claiming at once may read the same head; only one update matches the token it read
 * (PostgreSQL re-checks the condition on the row the other committed, H2 likewise), and the other node skips it. No
 * lock is held between transactions: a claim is a lease ({@code claimed_until}), so a node that dies holding one
 * delays its events by the lease, never forever.
 */
final class HibernateWebhookOutbox implements WebhookOutbox {

    private static final String SELECT_DUE_HEADS = "SELECT o.seq_no, o.id, o.event_type, o.message_id, "
            + "o.receiver_id, o.created_at, o.attempts, o.claim_token FROM webhook_outbox o "
            + "WHERE (o.next_attempt_at IS NULL OR o.next_attempt_at <= ?) "
            + "AND (o.claimed_until IS NULL OR o.claimed_until <= ?) "
            + "AND NOT EXISTS (SELECT 1 FROM webhook_outbox p WHERE p.receiver_id = o.receiver_id "
            + "AND p.seq_no < o.seq_no) "
            + "ORDER BY o.seq_no FETCH FIRST ? ROWS ONLY";
    private static final String TAKE = "UPDATE webhook_outbox SET claimed_by = ?, claimed_until = ?, "
            + "claim_token = ? WHERE seq_no = ? AND claim_token = ?";
    private static final String RETRY_LATER = "UPDATE webhook_outbox SET attempts = attempts + 1, "
            + "next_attempt_at = ?, claimed_by = NULL, claimed_until = NULL WHERE seq_no = ? AND claim_token = ?";
    private static final String DELETE = "DELETE FROM webhook_outbox WHERE seq_no = ?";
    private static final String DEPTH = "SELECT COUNT(*) FROM webhook_outbox";

    private final Transactions transactions;

    HibernateWebhookOutbox(Transactions transactions) {
        this.transactions = Objects.requireNonNull(transactions, "transactions");
    }

    @Override
    public void record(WebhookEvent event) {
        Objects.requireNonNull(event, "event");
        transactions.stateless(session -> {
            session.doWork(connection -> OutboxRows.insert(connection, List.of(event)));
            return null;
        });
    }

    @Override
    public List<ClaimedWebhookEvent> claimDue(String claimant, Instant now, Duration lease, int max) {
        Objects.requireNonNull(claimant, "claimant");
        if (max < 1) {
            return List.of();
        }
        return transactions.stateless(session -> session.doReturningWork(connection -> {
            List<ClaimedWebhookEvent> candidates = dueHeads(connection, now, max);
            List<ClaimedWebhookEvent> taken = new ArrayList<>(candidates.size());
            try (PreparedStatement take = connection.prepareStatement(TAKE)) {
                for (ClaimedWebhookEvent candidate : candidates) {
                    long token = candidate.claim() + 1;
                    take.setString(1, claimant);
                    take.setObject(2, OutboxRows.column(now.plus(lease)));
                    take.setLong(3, token);
                    take.setLong(4, candidate.position());
                    take.setLong(5, candidate.claim());
                    if (take.executeUpdate() == 1) {
                        taken.add(new ClaimedWebhookEvent(candidate.event(), candidate.position(),
                                candidate.attempts(), token));
                    }
                }
            }
            return List.copyOf(taken);
        }));
    }

    private static List<ClaimedWebhookEvent> dueHeads(Connection connection, Instant now, int max)
            throws SQLException {
        List<ClaimedWebhookEvent> heads = new ArrayList<>();
        try (PreparedStatement select = connection.prepareStatement(SELECT_DUE_HEADS)) {
            OffsetDateTime at = OutboxRows.column(now);
            select.setObject(1, at);
            select.setObject(2, at);
            select.setInt(3, max);
            try (ResultSet rows = select.executeQuery()) {
                while (rows.next()) {
                    WebhookEvent event = new WebhookEvent(
                            rows.getObject(2, UUID.class),
                            OutboxRows.kindOf(rows.getString(3)),
                            new MessageId(rows.getLong(4)),
                            new UserId(rows.getObject(5, UUID.class)),
                            rows.getObject(6, OffsetDateTime.class).toInstant());
                    heads.add(new ClaimedWebhookEvent(event, rows.getLong(1), rows.getInt(7), rows.getLong(8)));
                }
            }
        }
        return heads;
    }

    @Override
    public void acknowledge(ClaimedWebhookEvent claimed) {
        delete(claimed);
    }

    @Override
    public void retryLater(ClaimedWebhookEvent claimed, Instant next) {
        Objects.requireNonNull(next, "next");
        transactions.stateless(session -> {
            session.doWork(connection -> {
                try (PreparedStatement retry = connection.prepareStatement(RETRY_LATER)) {
                    retry.setObject(1, OutboxRows.column(next));
                    retry.setLong(2, claimed.position());
                    retry.setLong(3, claimed.claim());
                    retry.executeUpdate();
                }
            });
            return null;
        });
    }

    @Override
    public void giveUp(ClaimedWebhookEvent claimed) {
        delete(claimed);
    }

    private void delete(ClaimedWebhookEvent claimed) {
        transactions.stateless(session -> {
            session.doWork(connection -> {
                try (PreparedStatement delete = connection.prepareStatement(DELETE)) {
                    delete.setLong(1, claimed.position());
                    delete.executeUpdate();
                }
            });
            return null;
        });
    }

    @Override
    public long depth() {
        return transactions.stateless(session -> session.doReturningWork(connection -> {
            try (PreparedStatement count = connection.prepareStatement(DEPTH);
                 ResultSet rows = count.executeQuery()) {
                rows.next();
                return rows.getLong(1);
            }
        }));
    }
}
