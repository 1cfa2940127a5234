package org.parley.application.testing;

import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;
import java.util.TreeMap;

import org.parley.application.port.out.ClaimedWebhookEvent;
import org.parley.application.port.out.WebhookEvent;
import org.parley.application.port.out.WebhookOutbox;
import org.parley.domain.user.UserId;

/** {@link WebhookOutbox} in memory, for tests: the same rules as the database's, under one lock. */
public final class InMemoryWebhookOutbox implements WebhookOutbox {

    private final TreeMap<Long, Row> rows = new TreeMap<>();
    private long nextPosition = 1;
    private long nextClaim = 1;

    @Override
    public synchronized void record(WebhookEvent event) {
        rows.put(nextPosition++, new Row(Objects.requireNonNull(event, "event")));
    }

    @Override
    public synchronized List<ClaimedWebhookEvent> claimDue(String claimant, Instant now, Duration lease, int max) {
        Set<UserId> seen = new HashSet<>();
        List<ClaimedWebhookEvent> claimed = new ArrayList<>();
        for (Map.Entry<Long, Row> entry : rows.entrySet()) {
            Row row = entry.getValue();
            if (claimed.size() >= max) {
                break;
            }
            if (!seen.add(row.event.receiver())) {
                continue;
            }
            boolean due = !row.nextAttempt.isAfter(now);
            boolean free = row.leaseUntil == null || !row.leaseUntil.isAfter(now);
            if (due && free) {
                row.claim = nextClaim++;
                row.leaseUntil = now.plus(lease);
                claimed.add(new ClaimedWebhookEvent(row.event, entry.getKey(), row.attempts, row.claim));
            }
        }
        return List.copyOf(claimed);
    }

    @Override
    public synchronized void acknowledge(ClaimedWebhookEvent claimed) {
        rows.remove(claimed.position());
    }

    @Override
    public synchronized void retryLater(ClaimedWebhookEvent claimed, Instant next) {
        Row row = rows.get(claimed.position());
        if (row != null && row.claim == claimed.claim()) {
            row.attempts++;
            row.nextAttempt = next;
            row.leaseUntil = null;
        }
    }

    @Override
    public synchronized void giveUp(ClaimedWebhookEvent claimed) {
        acknowledge(claimed);
    }

    @Override
    public synchronized long depth() {
        return rows.size();
    }

    /** When the oldest event waiting may next be claimed: its retry time, or empty when it was never tried. */
    public synchronized Optional<Instant> nextAttemptOfHead() {
        return rows.isEmpty() || rows.firstEntry().getValue().nextAttempt.equals(Instant.MIN)
                ? Optional.empty() : Optional.of(rows.firstEntry().getValue().nextAttempt);
    }

    /** Every event waiting, in the order recorded. */
    public synchronized List<WebhookEvent> waiting() {
        return rows.values().stream().map(row -> row.event).toList();
    }

    private static final class Row {
        final WebhookEvent event;
        int attempts;
        Instant nextAttempt = Instant.MIN;
        Instant leaseUntil;
        long claim;

        Row(WebhookEvent event) {
            this.event = event;
        }
    }
}
