package org.parley.adapter.persistence;

import java.sql.Connection;
import java.sql.SQLException;
import java.sql.Statement;

import org.junit.jupiter.api.extension.RegisterExtension;
import org.parley.application.port.out.WebhookOutbox;
import org.parley.application.testing.WebhookOutboxContract;

/**
 * The webhook outbox contract (claim, acknowledge, retry later, give up, order per receiver, two claimants at once)
 * against the {@code webhook_outbox} table on a real database: H2, or PostgreSQL in the PostgreSQL run.
 */
class HibernateWebhookOutboxContractTest extends WebhookOutboxContract {

    @RegisterExtension
    static final DatabasePerClass DATABASE = new DatabasePerClass();

    @Override
    protected WebhookOutbox emptyOutbox() {
        try (Connection connection = DATABASE.get().connect(); Statement statement = connection.createStatement()) {
            statement.executeUpdate("DELETE FROM webhook_outbox");
        } catch (SQLException e) {
            throw new IllegalStateException(e);
        }
        return DATABASE.get().module().webhookOutbox();
    }
}
