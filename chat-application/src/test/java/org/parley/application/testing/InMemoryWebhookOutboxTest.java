package org.parley.application.testing;

import org.parley.application.port.out.WebhookOutbox;

/** The outbox contract against the in-memory fake. */
class InMemoryWebhookOutboxTest extends WebhookOutboxContract {

    @Override
    protected WebhookOutbox emptyOutbox() {
        return new InMemoryWebhookOutbox();
    }
}
