package org.parley.adapter.persistence;

import java.util.Objects;

import org.parley.application.port.out.ReadinessProbe;

/** {@link PersistenceModule#readinessProbe()}: {@code SELECT 1} through {@link Transactions}. */
final class DatabaseReadiness implements ReadinessProbe {

    private final Transactions transactions;

    DatabaseReadiness(Transactions transactions) {
        this.transactions = Objects.requireNonNull(transactions, "transactions");
    }

    @Override
    public String part() {
        return "database";
    }

    @Override
    public void probe() {
        Object one = transactions.stateless(session -> session.createNativeQuery("SELECT 1", Integer.class)
                .getSingleResult());
        if (one == null) {
            throw new IllegalStateException("The database answered SELECT 1 with nothing");
        }
    }
}
