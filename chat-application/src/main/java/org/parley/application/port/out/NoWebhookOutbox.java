package org.parley.application.port.out;

import java.time.Duration;
import java.time.Instant;
import java.util.List;

/** {@link WebhookOutbox#none()}: no webhook is configured, so nothing is recorded or sent. */
enum NoWebhookOutbox implements WebhookOutbox {
    INSTANCE;

    @Override
    public void record(WebhookEvent event) {
    }

    @Override
    public List<ClaimedWebhookEvent> claimDue(String claimant, Instant now, Duration lease, int max) {
        return List.of();
    }

    @Override
    public void acknowledge(ClaimedWebhookEvent claimed) {
    }

    @Override
    public void retryLater(ClaimedWebhookEvent claimed, Instant next) {
    }

    @Override
    public void giveUp(ClaimedWebhookEvent claimed) {
    }

    @Override
    public long depth() {
        return 0;
    }
}
