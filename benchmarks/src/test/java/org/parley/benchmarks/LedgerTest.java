package org.parley.benchmarks;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

class LedgerTest {

    private final Ledger ledger = new Ledger();

    @Test
    void aMessageConfirmedAndReceivedOnceIsClean() {
        ledger.sent("a-1", 100);
        assertThat(ledger.complete()).isFalse();

        assertThat(ledger.received("a-1", 7)).isEqualTo(100);
        assertThat(ledger.confirmed("a-1", 7)).isEqualTo(100);

        assertThat(ledger.complete()).isTrue();
        assertThat(ledger.delivered()).isEqualTo(1);
        assertThat(ledger.reconcile()).isEqualTo(new Ledger.Reconciliation(1, 1, 1, 0, 0, 0, 0));
        assertThat(ledger.reconcile().clean()).isTrue();
    }

    @Test
    void missingConfirmationsAndDeliveriesAreLost() {
        ledger.sent("a-1", 1);
        ledger.sent("a-2", 2);
        ledger.sent("a-3", 3);
        ledger.confirmed("a-1", 10);
        ledger.received("a-2", 11);

        Ledger.Reconciliation result = ledger.reconcile();

        assertThat(result.sent()).isEqualTo(3);
        assertThat(result.confirmed()).isEqualTo(1);
        assertThat(result.received()).isEqualTo(1);
        assertThat(result.lost()).isEqualTo(3);
        assertThat(result.clean()).isFalse();
        assertThat(ledger.complete()).isFalse();
    }

    @Test
    void extraConfirmationsAndDeliveriesAreDuplicates() {
        ledger.sent("a-1", 1);
        ledger.confirmed("a-1", 10);
        ledger.confirmed("a-1", 10);
        ledger.received("a-1", 10);
        ledger.received("a-1", 10);
        ledger.received("a-1", 10);

        Ledger.Reconciliation result = ledger.reconcile();

        assertThat(result.lost()).isZero();
        assertThat(result.duplicated()).isEqualTo(3);
        assertThat(ledger.delivered()).isEqualTo(1);
        assertThat(result.clean()).isFalse();
    }

    @Test
    void aDeliveryOfAnotherStoredMessageIsAMismatch() {
        ledger.sent("a-1", 1);
        ledger.confirmed("a-1", 10);
        ledger.received("a-1", 11);

        assertThat(ledger.reconcile().mismatched()).isEqualTo(1);
        assertThat(ledger.reconcile().clean()).isFalse();
    }

    @Test
    void framesForMessagesNeverSentAreCountedAsUnknown() {
        assertThat(ledger.confirmed("nope", 1)).isEqualTo(-1);
        assertThat(ledger.received("nope", 1)).isEqualTo(-1);

        assertThat(ledger.reconcile().unknown()).isEqualTo(2);
        assertThat(ledger.reconcile().clean()).isFalse();
    }

    @Test
    void aClientIdIsUsedOnce() {
        assertThat(ledger.sent("a-1", 1)).isTrue();
        assertThat(ledger.sent("a-1", 2)).isFalse();
    }
}
